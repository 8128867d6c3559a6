using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Runner;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.SelfTests;

/// <summary>
/// QA on a staging deployment without the provisioning extension: `--discover` reads what it holds and
/// drafts a manifest, and a manifest run on that draft leaves every anomaly it did not sacrifice as it was.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class StagingDiscoveryTests
{
    private const string Key = "selftest-staging-provisioning-key";

    [Test]
    public async Task Discover_drafts_a_manifest_from_a_staging_like_target_and_a_run_on_it_touches_only_what_it_lists()
    {
        await using var staging = await StagingTarget.StartAsync();
        var folder = TempDirectory.Create("staging-discover");
        var draftPath = Path.Combine(folder, "draft.yaml");
        var before = await staging.EveryAnomalyAsync();

        var discover = await staging.DiscoverAsync(draftPath);

        discover.ExitCode.Should().Be(0, "{0}", discover);
        (await staging.EveryAnomalyAsync()).Should().BeEquivalentTo(before, "discovering reads only");
        var draft = await File.ReadAllTextAsync(draftPath);
        var readOnly = Ids(draft, "read_only");
        var mutable = Ids(draft, "mutable");
        var sacrificial = Ids(draft, "# sacrificial");
        foreach (var want in Discover.ReadOnlyWants)
        {
            draft.Should().MatchRegex($@"(?m)^      - \d+   # .*{Regex.Escape(want.Name)}", "the staging data has one ({0}), proposed with its reason", want.Name);
        }

        readOnly.Should().HaveCountGreaterThanOrEqualTo(StagingLikeDataset.Datastores, "one anomaly in every datastore at least");
        mutable.Should().HaveCount(Discover.MutableWanted);
        sacrificial.Should().HaveCount(Discover.SacrificialWanted, "proposed, commented out: only a person lists what a run destroys");
        readOnly.Concat(mutable).Concat(sacrificial).Should().OnlyHaveUniqueItems("an anomaly has one purpose");
        draft.Should().NotContain(staging.Environment["ANOMALIES_TOKEN_ADMIN"], "a draft names token variables, never a token");

        var (profile, moreSacrificial) = await staging.CompleteAsync(draftPath);
        sacrificial.AddRange(moreSacrificial);
        var output = Path.Combine(folder, "run");

        var run = await ChildProcess.RunAsync("dotnet", [Repository.RunnerDll, "--profile", profile, "--seed", "4242", "--out", output], TimeSpan.FromMinutes(5), staging.Environment);

        run.ExitCode.Should().BeOneOf([0, 1], "{0}", run);
        var results = ResultsFile.Load(output).Document;
        var rules = results["rules"]!.AsArray().Select(r => r!["verdict"]!.GetValue<string>()).ToList();
        rules.Should().NotContain("failed", "the reference server is faithful: {0}", run);
        var judged = rules.Count(v => v == "passed");
        TestContext.Progress.WriteLine($"staging manifest run: {judged} of {rules.Count} rules judged ({readOnly.Count} read-only, {mutable.Count} mutable, {sacrificial.Count} sacrificial anomalies)");
        // Issue 13's bar: 85% of the rules a provisioning run judges (every rule some test of this run checks, the
        // same as here). 172 were measured when the last scenario classes joined; which checks get the scarce
        // anomalies depends a little on the order they run in. A regression is a check that stopped running on
        // existing data.
        var judgeable = rules.Count(v => v != "skipped");
        judged.Should().BeGreaterThanOrEqualTo((int)Math.Ceiling(0.85 * judgeable), "the checks that declare they run on existing data are given anomalies ({0} of {1} judged): {2}", judged, judgeable, run);
        var summary = results["missing_fixture_summary"]!.AsArray().Select(l => l!["missing"]!.GetValue<string>()).ToList();
        summary.Should().OnlyHaveUniqueItems("each missing fixture is reported once, with the checks it blocks");
        run.StandardOutput.Should().Contain("fixture(s) missing:").And.Contain("more rule(s) would be judged");

        var after = await staging.EveryAnomalyAsync();
        after.Where(a => !sacrificial.Contains(a.Key)).ToDictionary().Should().BeEquivalentTo(
            before.Where(a => !sacrificial.Contains(a.Key)).ToDictionary(), "every anomaly the run was not given to destroy reads as before, field by field");
        before.Keys.Except(after.Keys).Should().BeSubsetOf(sacrificial, "only sacrificial anomalies are destroyed").And.NotBeEmpty("the destructive checks ran");
        var exchanges = await File.ReadAllTextAsync(Path.Combine(output, "exchanges.ndjson"));
        var listed = readOnly.Concat(mutable).Concat(sacrificial).ToHashSet();
        var addressed = Regex.Matches(exchanges, @"/api/anomalies/(\d+)(?![0-9A-Za-z-])").Select(m => long.Parse(m.Groups[1].Value)).ToHashSet();
        // Ids that name no anomaly are the 404 checks' own; every existing anomaly addressed must be listed.
        addressed.Intersect(before.Keys).Should().BeSubsetOf(listed, "a manifest run addresses only the anomalies it lists");
        exchanges.Should().NotContain("/_provisioning/");
    }

    /// <summary>
    /// On existing data, a check fails its rule for the deviation a provisioning run catches, when the server
    /// regressed before the user drafted the manifest: `--discover` and the run's survey read through the fault
    /// too. Every fault is proven on this data by the matrix below (the server regressing after the draft); these
    /// cases are the faults that also bend what the survey reads (lists, pages, comments, source records, failed
    /// checks, soft deletion) or what a restore writes back. The list checks
    /// read a page of 100 that is not every anomaly and walk 400 in pages sized to end within 50; the others run
    /// on anomalies the planner found or arranged (mutable ones put back, sacrificial ones destroyed), the
    /// permission matrix and the contract's write cases included.
    /// </summary>
    [TestCase("list-status-first-value-only", "LIST-FILTER-STATUS")]
    [TestCase("page-offset-overlaps", "PAGINATION-WALK")]
    [TestCase("tags-append", "TAGS-REPLACE")]
    [TestCase("hard-delete-soft-only", "HARD-DELETE-REMOVES")]
    [TestCase("bulk-partial-apply", "BULK-ATOMIC")]
    [TestCase("viewer-can-write", "PERM-WRITE-AUTHOR")]
    [TestCase("comments-oldest-first", "COMMENTS-NEWEST-FIRST")]
    [TestCase("soft-deleted-writable", "SOFT-DELETED-NOT-WRITABLE")]
    [TestCase("list-archived-include-shows-deleted", "LIST-EXCLUDES-DELETED")]
    [TestCase("list-sorts-within-page", "LIST-ORDER-ACROSS-PAGES")]
    [TestCase("unmask-first-field-only", "SOURCE-RECORD-UNMASK-RAW")]
    [TestCase("check-rule-type-message-swapped", "FAILED-CHECKS-CONTENT")]
    public async Task On_staging_data_a_check_fails_its_rule_when_the_target_breaks_it(string fault, string rule)
    {
        await using var staging = await StagingTarget.StartAsync([fault]);
        var (run, output, _) = await staging.RunOnDraftAsync("staging-fault-" + fault, "--rule", rule);

        ResultsFile.Load(output).FailedRules().Should().Equal([rule], "fault {0} is seen on 400 existing anomalies: {1}", fault, run);
    }

    /// <summary>
    /// Issue 13's claim for every fault, not a sample: a staging run catches every fault a provisioning run
    /// catches wherever its rule is judged. The draft is discovered on the faithful server and the fault matrix
    /// then runs on it (each fault's checks again, every request carrying the fault): the server regressed after
    /// the user drafted the manifest. A fault's rule either fails, alone, or is not judged on this data; a rule
    /// the clean pass judged and a fault leaves passing is a check that compares the target with itself.
    /// </summary>
    [Test]
    public async Task On_staging_data_every_fault_fails_exactly_its_rule_wherever_the_rule_is_judged()
    {
        await using var staging = await StagingTarget.StartAsync(spare: SpareForTheMatrix);
        var before = await staging.EveryAnomalyAsync();
        var (run, output, sacrificial) = await staging.RunOnDraftAsync("staging-fault-matrix", SpareForTheMatrix + 200, "--fault-matrix", "--provisioning-key", Key);

        run.ExitCode.Should().BeOneOf([0, 1], "{0}", run);
        var clean = ResultsFile.Load(output).Document["rules"]!.AsArray().ToDictionary(r => r!["id"]!.GetValue<string>(), r => r!["verdict"]!.GetValue<string>());
        clean.Values.Should().NotContain("failed", "the clean pass is the faithful server's: {0}", run);
        var matrix = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, FaultMatrix.FileName)))!["faults"]!.AsArray().Select(f => f!.AsObject()).ToList();
        matrix.Should().HaveCount(FaultList.Load().Count, "every fault of the reference server has an entry");
        var caught = 0;
        var notJudged = new List<string>();
        var problems = new List<string>();
        foreach (var entry in matrix)
        {
            var (name, rule) = (entry["name"]!.GetValue<string>(), entry["rule"]!.GetValue<string>());
            if (entry["mode"]!.GetValue<string>() == "own-server")
            {
                notJudged.Add($"{name} (needs a server of its own: {entry["reason"]})");
                continue;
            }

            var failed = entry["failed_rules"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
            var inconclusive = entry["inconclusive_rules"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ToHashSet();
            if (failed.Contains(rule))
            {
                caught++;
            }
            else if (failed.Count > 0)
            {
                problems.Add($"{name} fails {string.Join(", ", failed)}, not {rule}: {entry["failures"]}");
            }
            else if (clean.GetValueOrDefault(rule) == "passed" && !inconclusive.Contains(rule) && !MayChangeNoAnswerOnStagingData.ContainsKey(name))
            {
                problems.Add($"{name}: {rule} is judged on this data and still passes with the fault on");
            }
            else if (MayChangeNoAnswerOnStagingData.TryGetValue(name, out var why))
            {
                notJudged.Add($"{name} (changes no answer here: {why})");
            }
            else
            {
                notJudged.Add($"{name} ({rule} not judged here)");
            }
        }

        TestContext.Progress.WriteLine($"staging fault matrix: {caught} of {matrix.Count} faults caught; not judged on this data: {notJudged.Count}\n  " + string.Join("\n  ", notJudged));
        problems.Should().BeEmpty("every fault fails exactly its rule wherever the rule is judged on existing data");
        caught.Should().BeGreaterThanOrEqualTo(StagingFaultsCaughtAtLeast, "the rules judged on staging data catch their faults");
        var after = await staging.EveryAnomalyAsync();
        after.Where(a => !sacrificial.Contains(a.Key)).ToDictionary().Should().BeEquivalentTo(
            before.Where(a => !sacrificial.Contains(a.Key)).ToDictionary(), "every anomaly the matrix was not given to destroy reads as before, field by field, after every fault's checks ran");
    }

    /// <summary>
    /// Faults that may change no answer on this data, each with why: a check on existing data judges its rule on
    /// what the data holds, and a fault living where the data does not reach cannot be told from the faithful
    /// server. A real deployment may hold such data, and `--discover` proposes it when it does. The staging data
    /// holds a day's last second, a month's edge and comments imported out of order for three faults that were
    /// listed here; the month's edge is proposed only at some hours (see below).
    /// </summary>
    private static readonly Dictionary<string, string> MayChangeNoAnswerOnStagingData = new()
    {
        ["tag-names-case-insensitive"] = "the tag catalogue holds no two names that differ only in case",
        ["timeframe-month-31-days"] = "the anomaly created half a day past a month is proposed read-only only when the read-only anomalies already proposed for other needs (some relative to the hour of the day) do not already satisfy the timeframe need",
        ["contract-filter-anomaly-type-first-value-only"] = "the fault keeps the first of repeated values only in a list with no other filter, and on existing data the contract check scopes its list to the world's datastores",
    };

    /// <summary>Open anomalies the matrix may spend beyond the staging data's: each fault whose rule's checks destroy what they are given takes a set.</summary>
    private const int SpareForTheMatrix = 500;

    /// <summary>205 of 230 were measured when the staging fault matrix joined: a drop is a check that stopped catching its fault on existing data.</summary>
    private const int StagingFaultsCaughtAtLeast = 200;

    /// <summary>
    /// The page cannot tell team permissions, so the manifest declares them (the labels'); a user the target
    /// treats otherwise is a setup problem, said as one, not a rule failure, and no check is given anomalies of
    /// that datastore.
    /// </summary>
    [Test]
    public async Task A_declared_permission_the_target_contradicts_is_a_setup_problem_and_that_datastore_is_left_out()
    {
        await using var staging = await StagingTarget.StartAsync(withoutGrant: ("member-viewer", 4));
        var (run, output, _) = await staging.RunOnDraftAsync("staging-permissions", "--rule", "PERM-READ-VIEWER,UPDATE-DESCRIPTION,ARCHIVE-SETS-STATUS");

        var left = staging.DatastoreIds["ds4"];
        run.StandardOutput.Should().Contain($"SETUP PROBLEM (not a rule failure): member-viewer is declared Viewer on datastore {left}, and reading anomaly", "{0}", run);
        run.StandardOutput.Should().Contain($"No check is given anomalies of datastore(s) {left}:");
        ResultsFile.Load(output).FailedRules().Should().BeEmpty("a missing grant is the deployment's setup, not a deviation from the page: {0}", run);
        var results = ResultsFile.Load(output).Document;
        results["rules"]!.AsArray().Where(r => r!["verdict"]!.GetValue<string>() == "passed").Should().NotBeEmpty("the other datastores still judge: {0}", run);
        var inLeftOut = (await staging.AnomaliesOfAsync(left)).ToHashSet();
        var exchanges = File.ReadLines(Path.Combine(output, "exchanges.ndjson")).Select(l => JsonNode.Parse(l)!).Where(e => e["purpose"]!.GetValue<string>() != "verify").ToList();
        exchanges.Select(e => Regex.Match(e["url"]!.GetValue<string>(), @"/api/anomalies/(\d+)")).Where(m => m.Success).Select(m => long.Parse(m.Groups[1].Value))
            .Should().NotIntersectWith(inLeftOut, "no check acts on an anomaly of the datastore left out");
    }

    /// <summary>The ids listed under a section of the draft; a commented section ("# sacrificial") has commented items.</summary>
    private static List<long> Ids(string draft, string section)
    {
        var item = section.StartsWith("# ", StringComparison.Ordinal) ? @"^    #   - \d+.*\n" : @"^      - \d+.*\n";
        var match = Regex.Match(draft, $@"(?m)^    {Regex.Escape(section)}:[ ]*\n(?<items>(?:{item})+)");
        return match.Success
            ? [.. Regex.Matches(match.Groups["items"].Value, @"- (\d+)").Select(m => long.Parse(m.Groups[1].Value))]
            : [];
    }

    private sealed class StagingTarget : IAsyncDisposable
    {
        private readonly ReferenceServerProcess server;
        private readonly HttpClient admin;

        private StagingTarget(ReferenceServerProcess server, HttpClient admin, JsonObject seeded)
        {
            this.server = server;
            this.admin = admin;
            UserIds = seeded["users"]!.AsObject().ToDictionary(u => u.Key, u => u.Value!["id"]!.GetValue<long>());
            DatastoreIds = seeded["datastores"]!.AsObject().ToDictionary(d => d.Key, d => d.Value!["id"]!.GetValue<long>());
            Environment = seeded["users"]!.AsObject().ToDictionary(u => Discover.TokenVariable(u.Key), u => u.Value!["token"]!.GetValue<string>());
        }

        public Uri Url => server.Url;
        public IReadOnlyDictionary<string, long> UserIds { get; }
        public IReadOnlyDictionary<string, long> DatastoreIds { get; }
        public Dictionary<string, string> Environment { get; }

        public static async Task<StagingTarget> StartAsync(IReadOnlyList<string>? faults = null, (string Label, int Datastore)? withoutGrant = null, int spare = 0)
        {
            var server = await ReferenceServerProcess.StartAsync(Repository.ReferenceServerDll, Key, faults ?? [], TimeSpan.FromSeconds(60));
            var http = new HttpClient { BaseAddress = server.Url };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/_provisioning/batch") { Content = JsonContent.Create(StagingLikeDataset.Batch(seed: 77, withoutGrant, spare)) };
            request.Headers.Add("X-Provisioning-Key", Key);
            using var response = await http.SendAsync(request);
            var seeded = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            response.IsSuccessStatusCode.Should().BeTrue("seeding staging: {0}", seeded);
            http.DefaultRequestHeaders.Authorization = new("Bearer", seeded["users"]!["admin"]!["token"]!.GetValue<string>());
            // Ticket links are made the way people make them: through the page's endpoint.
            var integration = seeded["integrations"]!["jira"]!.GetValue<long>();
            foreach (var key in new[] { "d1a3", "d2a5", "d3a7" })
            {
                using var link = await http.PostAsJsonAsync($"/api/anomalies/{seeded["anomalies"]![key]!["id"]}/ticket-links", new { integration_id = integration, ticket_id = $"sys-{key}", ticket_number = $"INC-{key}", status = "New" });
                link.IsSuccessStatusCode.Should().BeTrue(await link.Content.ReadAsStringAsync());
            }

            return new StagingTarget(server, http, seeded);
        }

        /// <summary>What a user does from scratch: discover, complete the draft, run on it (with more arguments); answers the run and its output folder.</summary>
        public Task<(ChildProcessResult Run, string Output, List<long> Sacrificial)> RunOnDraftAsync(string name, params string[] arguments) =>
            RunOnDraftAsync(name, MoreSacrificial, arguments);

        /// <summary>As <see cref="RunOnDraftAsync(string, string[])"/>, with this many more open anomalies listed as sacrificial by hand.</summary>
        public async Task<(ChildProcessResult Run, string Output, List<long> Sacrificial)> RunOnDraftAsync(string name, int moreSacrificial, params string[] arguments)
        {
            var folder = TempDirectory.Create(name);
            var draftPath = Path.Combine(folder, "draft.yaml");
            var discover = await DiscoverAsync(draftPath);
            discover.ExitCode.Should().Be(0, "--discover: {0}", discover);
            var output = Path.Combine(folder, "run");
            var sacrificial = Ids(await File.ReadAllTextAsync(draftPath), "# sacrificial");
            var (profile, added) = await CompleteAsync(draftPath, moreSacrificial);
            var run = await ChildProcess.RunAsync("dotnet", [Repository.RunnerDll, "--profile", profile, "--seed", "4242", "--out", output, .. arguments], TimeSpan.FromMinutes(20), Environment);
            return (run, output, [.. sacrificial, .. added]);
        }

        /// <summary>`--discover` with a profile that names only the target and its admin, as a user starts.</summary>
        public async Task<ChildProcessResult> DiscoverAsync(string draftPath)
        {
            var adminOnly = Path.Combine(Path.GetDirectoryName(draftPath)!, "admin-only.yaml");
            await File.WriteAllTextAsync(adminOnly, $$$"""
                version: 1
                target: {base_url: "{{{Url}}}", timeout_seconds: 20}
                fixtures:
                  mode: manifest
                  users:
                    admin: {id: {{{UserIds["admin"]}}}, token: {env: ANOMALIES_TOKEN_ADMIN}}
                  anomalies: {read_only: []}
                """);
            return await ChildProcess.RunAsync("dotnet", [Repository.RunnerDll, "--profile", adminOnly, "--discover", draftPath], TimeSpan.FromMinutes(3), Environment);
        }

        /// <summary>
        /// What the user does with the draft: the users' ids (their token variables are set), the sacrificial
        /// proposals accepted, and more open anomalies they can lose listed beside them (a staging deployment
        /// refilled by its nightly scans), so every destructive check gets one. Answers the ones added.
        /// </summary>
        public async Task<(string Profile, List<long> AddedSacrificial)> CompleteAsync(string draftPath, int moreSacrificial = MoreSacrificial)
        {
            // Each user's id, and the team permissions an admin screen gave otherwise than the label's.
            string Declared(string label) => StagingLikeDataset.Regrants.Where(g => g.Label == label).ToList() is { Count: > 0 } regrants
                ? $" permissions: {{{string.Join(", ", regrants.Select(g => $"{DatastoreIds[g.Datastore]}: {g.Permission}"))}}},"
                : "";
            var completed = Regex.Replace(await File.ReadAllTextAsync(draftPath), @"(?m)^    # ([a-z-]+): \{id: USER_ID,", m => $"    {m.Groups[1].Value}: {{id: {UserIds[m.Groups[1].Value]},{Declared(m.Groups[1].Value)}");
            completed = Regex.Replace(completed, @"(?m)^    # (sacrificial:|  - \d+)", "    $1");
            var listed = Regex.Matches(completed, @"(?m)^      - (\d+)").Select(m => long.Parse(m.Groups[1].Value)).ToHashSet();
            // Distinct: a target whose pages overlap (a fault under test) lists some twice.
            var added = (await OpenAnomalyIdsAsync()).Distinct().Where(id => !listed.Contains(id)).Take(moreSacrificial).ToList();
            completed = Regex.Replace(completed, @"(?m)^    sacrificial:[ ]*\n", m => m.Value + string.Concat(added.Select(id => $"      - {id}   # added by hand\n")));
            var profile = Path.Combine(Path.GetDirectoryName(draftPath)!, "profile.yaml");
            await File.WriteAllTextAsync(profile, completed);
            return (profile, added);
        }

        private const int MoreSacrificial = 200;

        private async Task<List<long>> OpenAnomalyIdsAsync()
        {
            var ids = new List<long>();
            foreach (var status in new[] { "Active", "Acknowledged" })
            {
                for (var page = 1; ; page++)
                {
                    var items = JsonNode.Parse(await admin.GetStringAsync($"/api/anomalies?status={status}&sort_id=asc&size=100&page={page}"))!["items"]!.AsArray();
                    ids.AddRange(items.Select(i => i!["id"]!.GetValue<long>()));
                    if (items.Count < 100)
                    {
                        break;
                    }
                }
            }

            return ids;
        }

        /// <summary>The ids of a datastore's anomalies, archived ones included.</summary>
        public async Task<List<long>> AnomaliesOfAsync(long datastore)
        {
            var ids = new List<long>();
            for (var page = 1; ; page++)
            {
                var items = JsonNode.Parse(await admin.GetStringAsync($"/api/anomalies?datastore={datastore}&archived=include&sort_id=asc&size=100&page={page}"))!["items"]!.AsArray();
                ids.AddRange(items.Select(i => i!["id"]!.GetValue<long>()));
                if (items.Count < 100)
                {
                    return ids;
                }
            }
        }

        /// <summary>Every anomaly an Admin can read, archived ones included, in what a run could change on it.</summary>
        public async Task<Dictionary<long, string>> EveryAnomalyAsync()
        {
            var state = new Dictionary<long, string>();
            for (var page = 1; ; page++)
            {
                var items = JsonNode.Parse(await admin.GetStringAsync($"/api/anomalies?archived=include&sort_id=asc&size=100&page={page}"))!["items"]!.AsArray();
                foreach (var id in items.Select(i => i!["id"]!.GetValue<long>()))
                {
                    state[id] = await WritableState.ReadAsync(admin, id);
                }

                if (items.Count < 100)
                {
                    return state;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            admin.Dispose();
            await server.DisposeAsync();
        }
    }
}
