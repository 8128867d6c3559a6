using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AnomaliesConformance.Core;
using AnomaliesConformance.Core.Catalogue;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Runner.Reporting;

namespace AnomaliesConformance.Runner;

/// <summary>
/// `merge DIR... [--out DIR]`: the report folders of every shard of one sharded run (--shard i/n) made into the
/// report set of the whole run. The checks' outcomes are read back from each shard's results.json and
/// exchanges.ndjson and judged by <see cref="RunReport.Build"/>, the code an unsharded run's report comes from,
/// so every rule's verdict is the one the unsharded run would have reached. Shards of different runs (seed,
/// target, faults, selection of checks, rules catalogue, shard count), a shard given twice and a missing
/// shard are usage errors (exit 2).
/// </summary>
public static partial class ShardMerge
{

    public static int Run(IReadOnlyList<string> directories, string? outDir, TextWriter console)
    {
        var shards = directories.Select(ShardResults.Load).ToList();
        EnsureOneRun(shards);
        var rulesPath = Path.Combine(RepositoryLayout.Root(), "specs", "rules.yaml");
        if (ShardReport.CatalogueHash(rulesPath) != shards[0].Shard.Catalogue)
        {
            throw new ConfigurationException($"merge: the shards ran another rules catalogue than this checkout's {rulesPath}; merge with the checkout the shards ran from");
        }

        var catalogue = RuleCatalogue.Load(rulesPath);
        var report = Merge(shards, catalogue);
        var output = Path.GetFullPath(outDir ?? Path.Combine(RepositoryLayout.Root(), "reports", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture)));
        Directory.CreateDirectory(output);
        foreach (var file in new[] { "exchanges.ndjson", "ledger.ndjson" })
        {
            // Each shard's lines as recorded, in shard order: the merged exchanges and what every shard changed.
            using var merged = File.Create(Path.Combine(output, file));
            foreach (var shard in shards.Where(s => File.Exists(Path.Combine(s.Directory, file))))
            {
                using var part = File.OpenRead(Path.Combine(shard.Directory, file));
                part.CopyTo(merged);
            }
        }

        console.WriteLine($"Merged {shards.Count} shards of seed {shards[0].Seed} ({report.Tests.Count} checks) into {output}");
        // The shards' reports are already redacted; the redactor's pass over the rendered text stays the one door to the disk.
        report = ReportSet.Write(report, output, new Redactor());
        ConsoleSummary.Write(report, console, output);
        if (report.Cleanup is { Verified: false })
        {
            console.WriteLine($"CLEANUP INCOMPLETE: a shard left data on the target; ./run-conformance.sh --sweep {Path.Combine(output, "ledger.ndjson")} retries");
            return ConformanceRunner.ExitTargetUnreachable;
        }

        return report.Conformant ? ConformanceRunner.ExitConformant : ConformanceRunner.ExitNotConformant;
    }

    /// <summary>Refuses shards that are not the parts of one sharded run, naming what differs, what is twice and what is missing.</summary>
    public static void EnsureOneRun(IReadOnlyList<ShardResults> shards)
    {
        void Same<T>(string what, Func<ShardResults, T> value)
        {
            var distinct = shards.GroupBy(s => value(s)).ToList();
            if (distinct.Count > 1)
            {
                throw new ConfigurationException($"merge: the shards are of different {what}: " + string.Join("; ", distinct.Select(g => $"{g.Key} in {string.Join(", ", g.Select(s => s.Directory))}")));
            }
        }

        Same("shard counts", s => s.Shard.Count);
        Same("seeds", s => s.Seed);
        Same("targets", s => s.Shard.Target);
        Same("reference faults", s => string.Join(",", s.Faults));
        Same("rules catalogues", s => s.Shard.Catalogue);
        Same("selections of checks (another suite build, --rule or --test)", s => s.Shard.Selection);
        foreach (var twice in shards.GroupBy(s => s.Shard.Index).Where(g => g.Count() > 1))
        {
            throw new ConfigurationException($"merge: shard {twice.Key}/{shards[0].Shard.Count} is given twice: {string.Join(" and ", twice.Select(s => s.Directory))}");
        }

        var count = shards[0].Shard.Count;
        var missing = Enumerable.Range(1, count).Except(shards.Select(s => s.Shard.Index)).ToList();
        if (missing.Count > 0)
        {
            throw new ConfigurationException($"merge: shard {string.Join(", ", missing.Select(i => $"{i}/{count}"))} {(missing.Count == 1 ? "is" : "are")} missing: give the report folder of every shard 1/{count} to {count}/{count}");
        }
    }

    /// <summary>The whole run's report from its shards' outcomes, judged as an unsharded run's.</summary>
    public static RunReport Merge(IReadOnlyList<ShardResults> shards, RuleCatalogue catalogue)
    {
        var tests = new List<TestOutcome>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var shard in shards.OrderBy(s => s.Shard.Index))
        {
            foreach (var test in shard.Tests)
            {
                if (!seen.TryAdd(test.Id, shard.Directory))
                {
                    throw new ConfigurationException($"merge: check {test.Id} ran in {seen[test.Id]} and in {shard.Directory}: the shards did not split one selection");
                }

                tests.Add(test);
            }
        }

        var findings = new RunFindings();
        foreach (var shard in shards)
        {
            shard.AddFindingsTo(findings);
        }

        var started = shards.Min(s => s.Started);
        var ended = shards.Max(s => s.Started + s.Duration);
        var waivers = shards.SelectMany(s => s.Waivers).DistinctBy(w => w.Id, StringComparer.Ordinal).ToList();
        var report = RunReport.Build(catalogue, tests, shards[0].Shard.Target, shards[0].Seed, started, ended - started, shards[0].Faults, shards[0].SpecVersion, findings, waivers, shards[0].RequestPolicy, shards.Sum(s => s.SetupRetries));
        var cleanups = shards.Select(s => s.Cleanup).OfType<CleanupCheck>().ToList();
        var canaries = shards.Select(s => s.Canary).OfType<CanaryCheck>().ToList();
        return report with
        {
            RequestsSent = shards.Sum(s => s.RequestsSent),
            Cleanup = cleanups.Count == 0 ? null : new CleanupCheck(
                string.Join(", ", cleanups.Select(c => c.Run)),
                Sum(cleanups.Select(c => c.Removed)),
                Sum(cleanups.Select(c => c.Remaining)),
                cleanups.All(c => c.Verified)),
            Canary = canaries.Count == 0 ? null : new CanaryCheck(canaries[0].Anomaly, canaries.All(c => c.Unchanged)),
        };
    }

    private static Dictionary<string, long> Sum(IEnumerable<IReadOnlyDictionary<string, long>> counts) =>
        counts.SelectMany(c => c).GroupBy(c => c.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(c => c.Value), StringComparer.Ordinal);

    /// <summary>A waived check's message keeps the verdict it had before its rule's waiver applied; the merge applies the waivers again.</summary>
    [GeneratedRegex(@"^waived by [^;]*; was (?<verdict>failed|target-error): (?<message>.*)$", RegexOptions.Singleline)]
    private static partial Regex WaivedMessage();

    /// <summary>One shard's report folder, read back: its shard, its run's identity, and its checks' outcomes.</summary>
    public sealed record ShardResults(
        string Directory,
        ShardReport Shard,
        int Seed,
        string Target,
        IReadOnlyList<string> Faults,
        string SpecVersion,
        DateTimeOffset Started,
        TimeSpan Duration,
        RequestPolicy RequestPolicy,
        int RequestsSent,
        int SetupRetries,
        IReadOnlyList<TestOutcome> Tests,
        IReadOnlyList<Waiver> Waivers,
        CleanupCheck? Cleanup,
        CanaryCheck? Canary,
        JsonObject Results)
    {
        public static ShardResults Load(string directory)
        {
            var folder = Path.GetFullPath(directory);
            if (!System.IO.Directory.Exists(folder))
            {
                throw new ConfigurationException($"merge: {directory} is not a folder (give the report folder of each shard)");
            }

            // A rules list the baseline comparison can read is what the merged verdicts are judged from.
            var (file, results) = FinishedRunResults.Read(folder, "merge");
            RecordedRun.Of(file, results, "merge");
            if (results["shard"] is not JsonObject shard)
            {
                throw new ConfigurationException($"merge: {directory} is not a shard's report: its results.json has no \"shard\" (run with --shard i/n)");
            }

            var shardReport = new ShardReport(
                Int(shard, "index"), Int(shard, "count"), Int(shard, "checks"), Int(shard, "total_checks"),
                Text(shard["selection"]) ?? "", Text(shard["catalogue_sha256"]) ?? "", Text(shard["target"]) ?? Text(results["target"]) ?? "");
            var exchanges = ReadExchanges(Path.Combine(folder, "exchanges.ndjson"));
            var tests = (results["tests"] as JsonArray ?? []).OfType<JsonObject>().Select(t => Outcome(t, exchanges)).ToList();
            var policy = results["request_policy"] as JsonObject;
            return new ShardResults(
                folder,
                shardReport,
                Int(results, "seed"),
                Text(results["target"]) ?? "",
                [.. (results["reference_faults"] as JsonArray ?? []).Select(Text).OfType<string>()],
                Text(results["spec_version"]) ?? "",
                DateTimeOffset.Parse(Text(results["started"]) ?? "", CultureInfo.InvariantCulture),
                TimeSpan.FromSeconds(results["duration_seconds"]?.GetValue<double>() ?? 0),
                new RequestPolicy
                {
                    Timeout = TimeSpan.FromSeconds(policy?["timeout_seconds"]?.GetValue<double>() ?? 30),
                    MaxRetries = policy?["max_retries"]?.GetValue<int>() ?? 3,
                    RateLimitPerSecond = policy?["rate_limit_per_second"]?.GetValue<int?>(),
                    ReadOnly = policy?["read_only"]?.GetValue<bool>() ?? false,
                },
                results["requests"]?["total"]?.GetValue<int>() ?? 0,
                results["retries"]?["setup"]?.GetValue<int>() ?? 0,
                tests,
                [.. (results["waivers"] as JsonArray ?? []).OfType<JsonObject>().Select(w => new Waiver(
                    Text(w["id"]) ?? "", Text(w["rule"]) ?? "", Text(w["reason"]) ?? "", Text(w["owner"]) ?? "",
                    DateOnly.ParseExact(Text(w["expires"]) ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture)))],
                results["cleanup"] is JsonObject cleanup
                    ? new CleanupCheck(Text(cleanup["run"]) ?? "", Counts(cleanup["removed"]), Counts(cleanup["remaining"]), cleanup["verified"]?.GetValue<bool>() ?? false)
                    : null,
                results["canary"] is JsonObject canary ? new CanaryCheck(Text(canary["anomaly"]) ?? "", canary["unchanged"]?.GetValue<bool>() ?? false) : null,
                results);
        }

        /// <summary>The findings the shard recorded: observations, permission cells, warnings, missing fixtures, restores.</summary>
        public void AddFindingsTo(RunFindings findings)
        {
            IEnumerable<JsonObject> Items(string key) => (Results[key] as JsonArray ?? []).OfType<JsonObject>();
            foreach (var o in Items("observations"))
            {
                findings.Observe(new Observation(Text(o["rule"]) ?? "", Text(o["test"]) ?? "", Text(o["summary"]) ?? "", Text(o["observed"]) ?? ""));
            }

            foreach (var c in Items("permission_matrix"))
            {
                findings.RecordPermission(new PermissionCell(Text(c["endpoint"]) ?? "", Text(c["role"]) ?? "", Text(c["expected"]) ?? "", Text(c["observed"]) ?? "", c["status"]?.GetValue<int>() ?? 0, Text(c["test"]) ?? ""));
            }

            // The shard's warnings list holds its checks' own warnings too; the merged checks carry none, so none is counted twice.
            foreach (var w in Items("warnings"))
            {
                findings.Warn(new Warning(Text(w["rule"]) ?? "", Text(w["test"]) ?? "", Text(w["message"]) ?? ""));
            }

            foreach (var m in Items("missing_fixtures"))
            {
                findings.RecordMissing(new MissingFixture(Text(m["test"]) ?? "", Text(m["missing"]) ?? ""));
            }

            foreach (var r in Items("restores"))
            {
                findings.RecordRestore(new RestoreCheck(r["anomaly"]?.GetValue<long>() ?? 0, Text(r["test"]) ?? "", r["verified"]?.GetValue<bool>() ?? false, Text(r["difference"])));
            }
        }

        private static TestOutcome Outcome(JsonObject test, ILookup<string, Exchange> exchanges)
        {
            var id = Text(test["id"]) ?? "";
            var verdict = Text(test["verdict"]) ?? Verdicts.Failed;
            var message = Text(test["message"]);
            if (verdict == Verdicts.Waived && message is not null && WaivedMessage().Match(message) is { Success: true } waived)
            {
                verdict = waived.Groups["verdict"].Value;
                message = waived.Groups["message"].Value;
            }

            return new TestOutcome
            {
                Id = id,
                Name = Text(test["name"]) ?? id,
                Fixture = Text(test["fixture"]) ?? "",
                Rules = [.. (test["rules"] as JsonArray ?? []).Select(Text).OfType<string>()],
                Effect = Text(test["effect"]),
                Verdict = verdict,
                Message = message,
                DurationSeconds = test["duration_seconds"]?.GetValue<double>() ?? 0,
                Exchanges = [.. exchanges[id].OrderBy(e => e.Sequence)],
            };
        }

        private static ILookup<string, Exchange> ReadExchanges(string path) =>
            ExchangeRecorder.ReadNdjson(path).ToLookup(e => e.TestId, StringComparer.Ordinal);

        private static Dictionary<string, long> Counts(JsonNode? node) =>
            (node as JsonObject ?? []).ToDictionary(p => p.Key, p => p.Value?.GetValue<long>() ?? 0, StringComparer.Ordinal);

        private static int Int(JsonObject o, string key) =>
            o[key] is JsonValue v && v.TryGetValue<int>(out var i) ? i : throw new ConfigurationException($"merge: a shard's results.json has no integer \"{key}\"");

        private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }
}
