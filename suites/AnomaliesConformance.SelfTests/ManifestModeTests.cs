using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NUnit.Framework;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.SelfTests;

/// <summary>
/// A deployment without the provisioning extension, described by a profile in manifest mode: the checks
/// that can use its listed anomalies run on them (and can fail), the others end inconclusive naming what is
/// missing, mutable anomalies are put back and verified, and nothing the manifest does not list is touched.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ManifestModeTests
{
    private const string Key = "selftest-manifest-provisioning-key";

    /// <summary>The checks written to run on manifest anomalies, by the rule each judges.</summary>
    private static readonly Dictionary<string, string> ManifestChecks = new()
    {
        ["GET-BY-ID"] = "Get_by_numeric_id_returns_that_anomaly",
        ["GET-BY-UUID"] = "Get_by_uuid_returns_the_same_anomaly_as_by_numeric_id",
        ["GET-UUID-ANY-CASE"] = "The_upper_case_uuid_answers_the_same_anomaly_as_the_lower_case_one",
        ["FAILED-CHECKS-MATCH-ANOMALY"] = "The_failed_checks_endpoint_answers_the_anomalys_failed_checks_field",
        ["SOURCE-RECORD-CSV-SAME-ROWS"] = "The_csv_download_has_the_json_fields_as_header_and_the_same_rows_in_the_same_order",
        ["UPDATE-DESCRIPTION"] = "A_description_sent_by_an_editor_is_the_one_later_reads_return",
        ["ASSIGNEES-CLEAR"] = "Empty_assignee_ids_unassigns_everyone_through_put_and_patch",
        ["HARD-DELETE-REMOVES"] = "Archive_then_hard_delete_removes_the_anomaly_for_good",
        ["HARD-DELETE-SECOND-404"] = "A_second_hard_delete_answers_404",
        ["UPDATE-EMPTY-BODY-NOOP"] = "A_put_with_an_empty_object_changes_nothing_and_adds_no_history",
        ["SOURCE-RECORD-DEFAULT-LIMIT"] = "Without_a_limit_at_most_ten_rows_are_returned",
        ["SOURCE-RECORD-CSV-CONTENT-TYPE"] = "The_download_is_served_as_text_csv",
        ["SOURCE-RECORD-CSV-FILENAME"] = "The_csv_download_is_named_after_the_numeric_id",
    };

    [Test]
    public async Task A_manifest_run_judges_the_checks_it_can_on_the_listed_anomalies_and_leaves_them_as_they_were()
    {
        await using var target = await ManifestTarget.StartAsync([]);
        var output = TempDirectory.Create("manifest-run");
        var before = await target.StateAsync(target.ReadOnly.Concat(target.Mutable));

        var run = await target.RunRunnerAsync(output);

        var results = ResultsFile.Load(output);
        var tests = results.Document["tests"]!.AsArray().Select(t => t!.AsObject()).ToList();
        foreach (var (rule, name) in ManifestChecks)
        {
            tests.Single(t => t["name"]!.GetValue<string>() == name)["verdict"]!.GetValue<string>().Should().Be("passed", "{0} runs on the manifest's anomalies: {1}", rule, run);
        }

        var missing = results.Document["missing_fixtures"]!.AsArray().Select(m => (Test: m!["test"]!.GetValue<string>(), Missing: m["missing"]!.GetValue<string>())).ToList();
        // Every scenario check runs on existing data now; what a small manifest cannot give is named, check by check.
        missing.Should().NotBeEmpty("a manifest of a few anomalies cannot give every check what it needs: {0}", run);
        var inconclusive = tests.Where(t => t["verdict"]!.GetValue<string>() == "inconclusive").ToList();
        inconclusive.Should().NotBeEmpty();
        var listed = missing.Select(m => m.Test).ToHashSet();
        // The others are contract checks the deployment's own data cannot settle (e.g. one weight value for a
        // sort); their message says so.
        inconclusive.Where(t => !listed.Contains(t["id"]!.GetValue<string>()))
            .Should().OnlyContain(t => t["id"]!.GetValue<string>().Contains(".ContractTests.", StringComparison.Ordinal) && t["message"]!.GetValue<string>().Length > 20,
                "a scenario check is inconclusive only for a fixture it lacks, and is listed with it");
        tests.Should().NotContain(t => t["verdict"]!.GetValue<string>() == "failed", "the reference server is faithful: {0}", run);

        var restores = results.Document["restores"]!.AsArray();
        restores.Should().NotBeEmpty("the mutable checks wrote and were put back");
        restores.Should().OnlyContain(r => r!["verified"]!.GetValue<bool>(), "every restore is verified: {0}", run);
        run.StandardOutput.Should().Contain("put back and verified");
        run.ExitCode.Should().Be(1, "MUST rules left inconclusive make the run not conformant, never silently passed: {0}", run);

        (await target.StateAsync(target.ReadOnly.Concat(target.Mutable))).Should().Be(before, "read-only and mutable anomalies read as before the run, field by field");
        var gone = 0;
        foreach (var sacrificed in target.Sacrificial)
        {
            gone += await target.StatusOfAsync(sacrificed) == 404 ? 1 : 0;
        }

        gone.Should().BeGreaterThanOrEqualTo(2, "the hard-delete checks destroyed sacrificial anomalies");
        (await target.StatusOfAsync(target.Untouched)).Should().Be(200, "an anomaly the manifest does not list is never touched");
        var exchanges = await File.ReadAllTextAsync(Path.Combine(output, "exchanges.ndjson"));
        exchanges.Should().NotContain("/_provisioning/", "a manifest run never calls the provisioning extension");
        // The id as a whole path segment: a UUID that happens to start with its digits is another anomaly.
        System.Text.RegularExpressions.Regex.IsMatch(exchanges, $@"/api/anomalies/{target.Untouched}(?![0-9A-Za-z-])")
            .Should().BeFalse("nor addresses an anomaly it was not given ({0})", target.Untouched);
        foreach (var file in Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories))
        {
            var text = await File.ReadAllTextAsync(file);
            target.Tokens.Should().OnlyContain(token => !text.Contains(token), $"no manifest token reaches {file}");
        }
    }

    [TestCase("description-truncated-255", "UPDATE-DESCRIPTION")]
    [TestCase("hard-delete-soft-only", "HARD-DELETE-REMOVES")]
    [TestCase("uuid-lookup-broken", "GET-BY-UUID")]
    public async Task A_manifest_check_fails_its_rule_when_the_target_breaks_it(string fault, string rule)
    {
        await using var target = await ManifestTarget.StartAsync([fault]);
        var output = TempDirectory.Create("manifest-fault-" + fault);

        var run = await target.RunRunnerAsync(output, "--rule", string.Join(',', ManifestChecks.Keys));

        ResultsFile.Load(output).FailedRules().Should().Equal([rule], "fault {0} is seen through the manifest's anomalies: {1}", fault, run);
    }

    [Test]
    public async Task A_sweep_puts_a_changed_mutable_anomaly_back_from_the_ledgers_restore_point()
    {
        await using var target = await ManifestTarget.StartAsync([]);
        var mutable = target.Mutable[0];
        var before = await target.StateAsync([mutable]);
        var output = TempDirectory.Create("manifest-sweep");
        var ledger = Path.Combine(output, "ledger.ndjson");
        // What a run killed in the middle of a check leaves: a restore point and no "restored" after it.
        var point = new JsonObject
        {
            ["kind"] = "restore-point", ["test"] = "killed check", ["anomaly"] = mutable,
            ["before"] = JsonNode.Parse(await target.RestorableStateAsync(mutable)),
        };
        await File.WriteAllLinesAsync(ledger, [
            new JsonObject { ["kind"] = "run", ["run"] = "cfkilled", ["target"] = target.Url, ["started"] = "2026-11-26T10:00:00Z" }.ToJsonString(),
            point.ToJsonString()]);
        await target.ChangeAsync(mutable);
        (await target.StateAsync([mutable])).Should().NotBe(before, "the anomaly was changed (else this test proves nothing)");

        var sweep = await target.RunRunnerAsync(null, "--sweep", ledger);

        sweep.ExitCode.Should().Be(0, "{0}", sweep);
        sweep.StandardOutput.Should().Contain($"anomaly {mutable} is back to its state before the run");
        (await target.StateAsync([mutable])).Should().Be(before, "status, description, tags, assignees and links are as before, field by field");
        (sweep.StandardOutput + sweep.StandardError).Should().NotContain(target.Tokens[0]);
    }

    /// <summary>
    /// A reference server holding a deployment's users and anomalies (seeded through its own provisioning
    /// extension, which the suite is not told about) and the manifest profile naming them.
    /// </summary>
    private sealed class ManifestTarget : IAsyncDisposable
    {
        private readonly ReferenceServerProcess server;
        private readonly HttpClient http;
        private readonly Dictionary<string, string> environment;
        private readonly string profile;

        private ManifestTarget(ReferenceServerProcess server, HttpClient http, Dictionary<string, string> environment, string profile, JsonObject seeded)
        {
            this.server = server;
            this.http = http;
            this.environment = environment;
            this.profile = profile;
            long Id(string key) => seeded["anomalies"]![key]!["id"]!.GetValue<long>();
            ReadOnly = [Id("read1"), Id("read2")];
            Mutable = [Id("mutable1")];
            // Enough for every destructive check the planner can give a world to, so the hard-delete checks are
            // never left without one, whatever order the checks run in.
            Sacrificial = [Id("sacrificial1"), Id("sacrificial2"), .. Enumerable.Range(3, SpareSacrificial).Select(i => Id($"sacrificial{i}"))];
            Untouched = Id("untouched");
            integration = seeded["integrations"]!["jira"]!.GetValue<long>();
        }

        private const int SpareSacrificial = 120;

        private readonly long integration;

        public string Url => server.Url.ToString();
        public IReadOnlyList<long> ReadOnly { get; }
        public IReadOnlyList<long> Mutable { get; }
        public IReadOnlyList<long> Sacrificial { get; }
        public long Untouched { get; }
        public IReadOnlyList<string> Tokens => environment.Values.ToList();

        public static async Task<ManifestTarget> StartAsync(IReadOnlyList<string> faults)
        {
            var server = await ReferenceServerProcess.StartAsync(Repository.ReferenceServerDll, Key, faults, TimeSpan.FromSeconds(60));
            var http = new HttpClient { BaseAddress = server.Url };
            // Twelve source rows, so the default limit of ten can be seen on a read-only anomaly.
            // Decimals, booleans and nulls: what the CSV checks judge an existing anomaly's rendering on.
            var rows = string.Join(", ", Enumerable.Range(1, 12).Select(i => $$"""{"id": {{i}}, "name": "customer {{i}}", "amount": {{i}}.25, "paid": {{(i % 2 == 0 ? "true" : "false")}}, "note": {{(i % 3 == 0 ? "\"checked\"" : "null")}}}"""));
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/_provisioning/batch")
            {
                Content = new StringContent($$$"""
                    {"users": [{"key": "admin", "name": "Ops Admin", "email": "ops@example.test", "role": "Admin"},
                               {"key": "viewer", "name": "Val Viewer", "email": "val@example.test", "role": "Member"},
                               {"key": "author", "name": "Ann Author", "email": "ann@example.test", "role": "Member"},
                               {"key": "editor", "name": "Ed Editor", "email": "ed@example.test", "role": "Member"}],
                     "datastores": [{"key": "prod", "name": "production", "containers": [{"key": "orders", "name": "orders"}]}],
                     "grants": [{"user": "viewer", "datastore": "prod", "permission": "Viewer"},
                                {"user": "author", "datastore": "prod", "permission": "Author"},
                                {"user": "editor", "datastore": "prod", "permission": "Editor"}],
                     "tags": ["Existing-High"],
                     "integrations": [{"key": "jira", "name": "Jira", "kind": "jira"}],
                     "anomalies": [
                       {"key": "read1", "datastore": "prod", "container": "orders", "description": "read one",
                        "failed_checks": [{"id": 501, "rule_type": "notNull", "message": "customer_id is null", "fields": ["customer_id"]}],
                        "source_records": {"fields": ["id", "name", "amount", "paid", "note"], "masked_fields": [], "rows": [{{{rows}}}]}},
                       {"key": "read2", "datastore": "prod", "container": "orders", "status": "Acknowledged"},
                       {"key": "mutable1", "datastore": "prod", "container": "orders", "status": "Acknowledged", "description": "keep me",
                        "tags": ["Existing-High"], "assignees": ["viewer"]},
                       {"key": "sacrificial1", "datastore": "prod", "container": "orders"},
                       {"key": "sacrificial2", "datastore": "prod", "container": "orders", "status": "Resolved"},
                       {{{string.Concat(Enumerable.Range(3, SpareSacrificial).Select(i => $$"""{"key": "sacrificial{{i}}", "datastore": "prod", "container": "orders"}, """))}}}
                       {"key": "untouched", "datastore": "prod", "container": "orders", "description": "not in the manifest"}]}
                    """, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Provisioning-Key", Key);
            using var response = await http.SendAsync(request);
            var seeded = await response.Content.ReadFromJsonAsync<JsonObject>();
            response.IsSuccessStatusCode.Should().BeTrue("seeding the deployment: {0}", seeded);
            string Token(string user) => seeded!["users"]![user]!["token"]!.GetValue<string>();
            long UserId(string user) => seeded!["users"]![user]!["id"]!.GetValue<long>();
            var environment = new Dictionary<string, string>
            {
                ["MANIFEST_ADMIN_TOKEN"] = Token("admin"),
                ["MANIFEST_VIEWER_TOKEN"] = Token("viewer"),
                ["MANIFEST_AUTHOR_TOKEN"] = Token("author"),
                ["MANIFEST_EDITOR_TOKEN"] = Token("editor"),
            };
            var target = new ManifestTarget(server, http, environment, Path.Combine(TempDirectory.Create("manifest-profile"), "profile.yaml"), seeded!);
            http.DefaultRequestHeaders.Authorization = new("Bearer", Token("admin"));
            await File.WriteAllTextAsync(target.profile, $"""
                version: 1
                target: {"{"}base_url: "{server.Url}", timeout_seconds: 20{"}"}
                fixtures:
                  mode: manifest
                  users:
                    admin: {"{"}id: {UserId("admin")}, token: {"{"}env: MANIFEST_ADMIN_TOKEN{"}"}{"}"}
                    member-viewer: {"{"}id: {UserId("viewer")}, token: {"{"}env: MANIFEST_VIEWER_TOKEN{"}"}{"}"}
                    member-author: {"{"}id: {UserId("author")}, token: {"{"}env: MANIFEST_AUTHOR_TOKEN{"}"}{"}"}
                    member-editor: {"{"}id: {UserId("editor")}, token: {"{"}env: MANIFEST_EDITOR_TOKEN{"}"}{"}"}
                  anomalies:
                    read_only: [{string.Join(", ", target.ReadOnly)}]
                    mutable: [{string.Join(", ", target.Mutable)}]
                    sacrificial: [{string.Join(", ", target.Sacrificial)}]
                """);
            return target;
        }

        public Task<ChildProcessResult> RunRunnerAsync(string? output, params string[] arguments) =>
            ChildProcess.RunAsync(
                "dotnet",
                new[] { Repository.RunnerDll, "--profile", profile, "--seed", "4242" }.Concat(output is null ? [] : ["--out", output]).Concat(arguments),
                TimeSpan.FromMinutes(5),
                environment);

        /// <summary>Each anomaly as an Admin reads it, with its ticket links and comments: what a check could have changed.</summary>
        public async Task<string> StateAsync(IEnumerable<long> anomalies)
        {
            var state = new StringBuilder();
            foreach (var id in anomalies)
            {
                state.Append(await WritableState.ReadAsync(http, id));
            }

            return state.ToString();
        }

        /// <summary>The restore point the runner writes (ManifestFixtures.StateAsync), read through the same code.</summary>
        public async Task<string> RestorableStateAsync(long id)
        {
            var redactor = new AnomaliesConformance.Core.Http.Redactor();
            using var recorder = new AnomaliesConformance.Core.Http.ExchangeRecorder(null);
            using var api = new AnomaliesConformance.Core.Http.ApiClient(server.Url, recorder, redactor, TimeSpan.FromSeconds(20));
            var admin = new AnomaliesConformance.Core.Http.Actor("admin", "Admin", null, null, environment["MANIFEST_ADMIN_TOKEN"]);
            return (await ManifestFixtures.StateAsync(api, admin, id)).ToJsonString();
        }

        /// <summary>What a check might have left: every restorable field changed and a ticket link added.</summary>
        public async Task ChangeAsync(long id)
        {
            using var put = await http.PutAsJsonAsync($"/api/anomalies/{id}", new { status = "Active", description = "changed by a killed run", tags = Array.Empty<string>(), assignee_ids = Array.Empty<long>() });
            put.EnsureSuccessStatusCode();
            using var link = await http.PostAsJsonAsync($"/api/anomalies/{id}/ticket-links", new { integration_id = integration, ticket_id = "sys-1", ticket_number = "INC1", status = "New" });
            link.EnsureSuccessStatusCode();
        }

        public async Task<int> StatusOfAsync(long id)
        {
            using var response = await http.GetAsync($"/api/anomalies/{id}?include_deleted=true");
            return (int)response.StatusCode;
        }

        public async ValueTask DisposeAsync()
        {
            http.Dispose();
            await server.DisposeAsync();
        }
    }
}
