using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Runner.Reporting;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core;

namespace AnomaliesConformance.Runner;

/// <summary>
/// Proves that each reference fault fails its rule without a full run per fault. The run's own (clean)
/// pass is the probe: every request names its check, and the one embedded server records which faults'
/// code each check reached (the fault's gates). A fault then reruns only its rule's checks and the checks
/// that reached its gate, on the same server, each request carrying the fault; every other check would
/// behave exactly as in the clean pass, so its clean outcome stands. The merged outcomes are judged like a
/// full run's. A fault whose code runs outside any check (at the server's start, or in the run's setup)
/// cannot be chosen per request: it is listed as needing a server of its own (a full run with
/// <c>--reference-fault</c>), not silently passed.
/// </summary>
public sealed class FaultMatrix(ConformanceRun probe, Assembly suite, string provisioningKey)
{
    public const string FileName = "fault-matrix.json";

    private RunSettings Settings => probe.Settings;

    /// <summary>Runs the matrix after the clean probe pass and writes <see cref="FileName"/>.</summary>
    public async Task<JsonObject> RunAsync(IReadOnlyList<TestOutcome> clean, TextWriter console)
    {
        var clock = Stopwatch.StartNew();
        JsonObject gates;
        using (ExchangeRecorder.Scope("run-setup"))
        {
            gates = await probe.Provisioning.FaultGatesAsync();
        }

        var declared = gates["faults"]!.AsArray().Select(f => (Name: f!["name"]!.GetValue<string>(), Rule: f["rule"]!.GetValue<string>())).ToList();
        var unknown = Settings.ReferenceFaults.Where(n => declared.All(d => d.Name != n)).ToList();
        if (unknown.Count > 0)
        {
            throw new ConfigurationException($"--reference-fault names no fault of the reference server: {string.Join(", ", unknown)} (--list-faults lists them)");
        }

        var (reached, ownServer) = Gates(gates, clean);
        var selected = Settings.ReferenceFaults.Count == 0 ? declared : declared.Where(d => Settings.ReferenceFaults.Contains(d.Name)).ToList();
        var entries = new JsonArray();
        var checksRun = 0;
        foreach (var (name, rule) in selected)
        {
            if (ownServer.TryGetValue(name, out var why))
            {
                entries.Add(new JsonObject { ["name"] = name, ["rule"] = rule, ["mode"] = "own-server", ["reason"] = why });
                continue;
            }

            var started = clock.Elapsed;
            // On existing data only the rule's own checks run again: the anomalies are shared and the sacrificial
            // ones spent, so rerunning every check that reached the fault's code would exhaust them; that a fault
            // fails no other rule is proven by the matrix on the run's own fixtures.
            var checks = clean.Where(o => o.Rules.Contains(rule)).Select(o => o.Id)
                .Concat(probe.Manifest is null ? reached.GetValueOrDefault(name) ?? [] : [])
                .ToHashSet(StringComparer.Ordinal);
            var faulted = await RunUnderAsync(name, checks, entries.Count);
            checksRun += faulted.Count;
            entries.Add(Entry(name, rule, checks.Count, Merge(clean, faulted), clock.Elapsed - started));
        }

        var document = new JsonObject
        {
            ["seed"] = Settings.Seed,
            ["clean_checks"] = clean.Count,
            ["checks_run"] = checksRun,
            ["full_runs_would_run"] = clean.Count * selected.Count,
            ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
            ["faults"] = entries,
        };
        await File.WriteAllTextAsync(Path.Combine(Settings.OutputDirectory, FileName), document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var ownServerCount = entries.Count(e => e!["mode"]!.GetValue<string>() == "own-server");
        console.WriteLine($"Fault matrix: {selected.Count - ownServerCount} faults on one server, {checksRun} checks rerun (a full run per fault would run {clean.Count * selected.Count}), {clock.Elapsed.TotalSeconds:0.0} s; "
            + (ownServerCount == 0 ? "no fault needs a server of its own" : $"{ownServerCount} need a server of their own")
            + $" ({FileName})");
        return document;
    }

    /// <summary>
    /// Per fault, the checks whose requests reached its code (a shared fixture's setup counts for every check
    /// that used the fixture); and the faults whose code ran outside any check, with where.
    /// </summary>
    private (Dictionary<string, HashSet<string>> Reached, Dictionary<string, string> OwnServer) Gates(JsonObject gates, IReadOnlyList<TestOutcome> clean)
    {
        var checks = clean.Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
        var shared = probe.SharedFixtureUsers;
        var reached = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var ownServer = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var fault in gates["reached_outside_requests"]!.AsArray().Select(f => f!.GetValue<string>()))
        {
            ownServer[fault] = "its code runs when the server starts";
        }

        foreach (var (scope, faults) in gates["reached_by_check"]!.AsObject())
        {
            if (probe.Manifest is not null && scope == ConformanceRunner.SetupScope)
            {
                // On existing data the set-up is the survey of the manifest's anomalies, read before the fault: the
                // matrix proves the checks catch a server that regressed after the survey (a survey under the fault
                // is the staging fault cases' business).
                continue;
            }

            IReadOnlyCollection<string>? users = checks.Contains(scope) ? [scope] : shared.GetValueOrDefault(scope);
            foreach (var fault in faults!.AsArray().Select(f => f!.GetValue<string>()))
            {
                if (users is null)
                {
                    ownServer.TryAdd(fault, $"its code runs in '{scope}', outside any check");
                    continue;
                }

                if (!reached.TryGetValue(fault, out var set))
                {
                    reached[fault] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set.UnionWith(users.Where(checks.Contains));
            }
        }

        return (reached, ownServer);
    }

    /// <summary>The checks, with every request carrying the fault, in a sub-run with its own recorder.</summary>
    private async Task<IReadOnlyList<TestOutcome>> RunUnderAsync(string fault, IReadOnlySet<string> checks, int index)
    {
        using var recorder = new ExchangeRecorder(null, probe.Redactor);
        var routing = new ReferenceFaultRouting(provisioningKey, fault, Probe: false);
        return (await SubRun.RunAsync(probe, suite, checks, $"{Settings.RunId}m{index}", recorder, new RunFindings(), routing)).Outcomes;
    }

    private static List<TestOutcome> Merge(IReadOnlyList<TestOutcome> clean, IReadOnlyList<TestOutcome> faulted)
    {
        var rerun = faulted.ToDictionary(o => o.Id, StringComparer.Ordinal);
        // A check the clean pass could not judge (a target error: an answer lost on the way, as an oversized body's
        // 413 racing its upload on a busy machine) says nothing of a fault whose checks did not run it again.
        return clean.Select(o => rerun.GetValueOrDefault(o.Id) ?? o).Where(o => rerun.ContainsKey(o.Id) || o.Verdict != Verdicts.TargetError).ToList();
    }

    /// <summary>The merged outcomes judged as a run's would be: the rules that failed and those that could not be judged, with why.</summary>
    private JsonObject Entry(string name, string rule, int checks, List<TestOutcome> merged, TimeSpan took)
    {
        var report = RunReport.Build(probe.Catalogue, merged, "", Settings.Seed, DateTimeOffset.UtcNow, took, [name], "");
        return new JsonObject
        {
            ["name"] = name,
            ["rule"] = rule,
            ["level"] = probe.Catalogue.Find(rule)?.Level,
            ["mode"] = "shared-server",
            ["checks_run"] = checks,
            ["seconds"] = Math.Round(took.TotalSeconds, 2),
            ["conformant"] = report.Conformant,
            ["failed_rules"] = new JsonArray(report.Rules.Where(r => r.Verdict == Verdicts.Failed).Select(r => (JsonNode)r.Rule.Id).ToArray()),
            // What a reader needs to see why a rule failed without rerunning: the failing checks and their first lines.
            ["failures"] = new JsonArray(merged.Where(t => t.Verdict == Verdicts.Failed)
                .Select(t => (JsonNode)new JsonObject { ["test"] = t.Id, ["message"] = FirstLines(t.Message) }).ToArray()),
            ["inconclusive_rules"] = new JsonArray(report.Rules.Where(r => r.Verdict == Verdicts.Inconclusive)
                .Select(r => (JsonNode)new JsonObject { ["id"] = r.Rule.Id, ["note"] = r.Note }).ToArray()),
        };
    }

    private static string? FirstLines(string? message) =>
        message is null ? null : string.Join('\n', message.Split('\n').Take(6));
}
