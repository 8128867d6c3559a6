using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core;
using AnomaliesConformance.Core.Profiles;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NJsonSchema;
using NUnit.Framework;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.SelfTests;

/// <summary>Target profiles: strict loading with file:line errors, and a run driven by a profile with a canary.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class TargetProfileTests
{
    private static readonly Dictionary<string, string> Environment = new() { ["PROVISIONING_KEY_FOR_TEST"] = "profile-test-key" };

    [Test]
    public void Every_problem_of_a_profile_is_reported_with_its_line_and_field()
    {
        var path = Write("""
            version: 1
            target:
              base_url: not a url
              timeout: 5
            fixtures:
              mode: provisioning
              provisioning_key: {env: NOT_SET_ANYWHERE}
            """);

        var load = () => TargetProfileLoader.Load(path, Environment.GetValueOrDefault);

        var problems = load.Should().Throw<ConfigurationException>().Which.Message.Split('\n');
        problems.Should().Contain(p => p.Contains($"{path}:3: target.base_url"));
        problems.Should().Contain(p => p.Contains($"{path}:4: target.timeout: unknown field"));
        problems.Should().Contain(p => p.Contains($"{path}:7: fixtures.provisioning_key") && p.Contains("NOT_SET_ANYWHERE is not set"));
    }

    [Test]
    public void A_profile_declares_the_targets_representation_and_an_unknown_key_is_named_with_its_line()
    {
        const string Header = """
            version: 1
            target: {base_url: "http://127.0.0.1:1/"}
            fixtures:
              mode: provisioning
              provisioning_key: {value: k}
            representation:

            """;
        var good = Write(Header + "  comment_text_key: text\n  page_param: p\n");
        var bad = Write(Header + "  comment_key: text\n  page_param: two words\n");

        TargetProfileLoader.Load(good, Environment.GetValueOrDefault).Representation.Should().BeEquivalentTo(
            new Dictionary<string, string> { ["comment_text_key"] = "text", ["page_param"] = "p" });
        var problems = ((Action)(() => TargetProfileLoader.Load(bad, Environment.GetValueOrDefault))).Should().Throw<ConfigurationException>().Which.Message.Split('\n');
        problems.Should().Contain(p => p.Contains($"{bad}:7: representation.comment_key") && p.Contains("comment_text_key"), "an unknown key names the known ones");
        problems.Should().Contain(p => p.Contains($"{bad}:8: representation.page_param"), "a value with spaces is no parameter name");
    }

    [Test]
    public void Every_problem_of_a_manifest_is_reported_with_its_line_and_field()
    {
        var path = Write("""
            version: 1
            target: {base_url: "http://127.0.0.1:1/"}
            fixtures:
              mode: manifest
              users:
                member-viewer: {id: 7, token: {env: PROVISIONING_KEY_FOR_TEST}}
                member-wizard: {token: {value: x}}
                member-author: {id: abc, token: {env: PROVISIONING_KEY_FOR_TEST}}
              anomalies:
                read_only: [12, not-an-id]
                mutable: [12]
                sacrificial: 7
              provisioning_key: {env: PROVISIONING_KEY_FOR_TEST}
            canary: 12
            mode: manifest
            """);

        var load = () => TargetProfileLoader.Load(path, Environment.GetValueOrDefault);

        var problems = load.Should().Throw<ConfigurationException>().Which.Message.Split('\n');
        problems.Should().Contain(p => p.Contains($"{path}:7: fixtures.users.member-wizard") && p.Contains("not a cast label"));
        problems.Should().Contain(p => p.Contains($"{path}:8: fixtures.users.member-author.id") && p.Contains("positive integer"));
        problems.Should().Contain(p => p.Contains("fixtures.users.admin: is required"));
        problems.Should().Contain(p => p.Contains($"{path}:10: fixtures.anomalies.read_only") && p.Contains("'not-an-id'"));
        problems.Should().Contain(p => p.Contains($"{path}:11: fixtures.anomalies.mutable") && p.Contains("already listed under read_only"));
        problems.Should().Contain(p => p.Contains($"{path}:12: fixtures.anomalies.sacrificial") && p.Contains("must be a list"));
        problems.Should().Contain(p => p.Contains($"{path}:13: fixtures.provisioning_key: unknown field"));
        problems.Should().Contain(p => p.Contains($"{path}:14: canary") && p.Contains("also listed"));
        problems.Should().Contain(p => p.Contains($"{path}:15: mode: unknown field"));
        string.Join('\n', problems).Should().NotContain("profile-test-key", "a token is never echoed");
    }

    [Test]
    public void A_manifest_profile_gives_its_users_and_anomalies_by_purpose()
    {
        var manifest = TargetProfileLoader.Load(Path.Combine(Repository.Root, "fixtures", "profiles", "manifest-example.yaml"), name => "token-of-" + name).Manifest;

        manifest.Should().NotBeNull();
        manifest!.Users.Keys.Should().BeEquivalentTo(["admin", "member-viewer", "member-author", "member-editor"]);
        manifest.Users["member-viewer"].Should().Be(new ManifestUser("member-viewer", 41, "token-of-STAGING_VIEWER_TOKEN"));
        manifest.ReadOnly.Should().Equal("1201", "1202");
        manifest.Mutable.Should().Equal("1301");
        manifest.Sacrificial.Should().Equal("1401", "6f1c9a8e-0b7d-4e4f-9a51-2d4c0f3b7e10");
    }

    [Test]
    public void A_secret_read_from_a_file_or_the_environment_is_never_echoed_in_an_error()
    {
        var secretFile = Path.Combine(TempDirectory.Create("profile-secret"), "key");
        File.WriteAllText(secretFile, "very-secret-file-value\n");
        var path = Write($$$"""
            version: 1
            target: {base_url: "http://127.0.0.1:1/", timeout_seconds: 0}
            fixtures: {mode: provisioning, provisioning_key: {file: "{{{secretFile}}}"}}
            """);

        var load = () => TargetProfileLoader.Load(path, Environment.GetValueOrDefault);

        var message = load.Should().Throw<ConfigurationException>().Which.Message;
        message.Should().Contain("target.timeout_seconds").And.NotContain("very-secret-file-value");
    }

    [Test]
    public void The_example_profiles_load_and_the_json_one_follows_the_documented_schema()
    {
        var environment = new Dictionary<string, string> { ["ANOMALIES_PROVISIONING_KEY"] = "k", ["STAGING_PROXY_PASSWORD"] = "p" };
        var examples = Path.Combine(Repository.Root, "fixtures", "profiles");

        var reference = TargetProfileLoader.Load(Path.Combine(examples, "reference-server.yaml"), environment.GetValueOrDefault);
        reference.BaseUrl.Should().Be(new Uri("http://127.0.0.1:8080/"));

        var staging = Path.Combine(examples, "staging-example.json");
        var schema = JsonSchema.FromFileAsync(Repository.Specs("profile.schema.json")).GetAwaiter().GetResult();
        schema.Validate(File.ReadAllText(staging)).Should().BeEmpty();
        // The file secret of the staging example does not exist here: the loader says which field needs it.
        var load = () => TargetProfileLoader.Load(staging, environment.GetValueOrDefault);
        load.Should().Throw<ConfigurationException>().WithMessage("*fixtures.provisioning_key*does not exist*");
    }

    [Test]
    public async Task A_profile_error_ends_the_run_with_exit_2_and_the_line()
    {
        var path = Write("""
            version: 1
            fixtures:
              mode: provisioning
              provisioning_key: {value: k}
            colour: blue
            """);

        var run = await ChildProcess.RunRunnerAsync("--profile", path, "--target", "http://127.0.0.1:9", "--out", TempDirectory.Create("profile-error"));

        run.ExitCode.Should().Be(2, "{0}", run);
        run.StandardError.Should().Contain($"{path}:5: colour: unknown field");
    }

    [Test]
    public async Task A_run_driven_by_a_profile_passes_and_checks_its_canary()
    {
        await using var target = await CanaryTarget.StartAsync();

        var run = await ChildProcess.RunRunnerAsync("--profile", target.ProfilePath, "--out", TempDirectory.Create("profile-run"), "--seed", "4242");

        run.ExitCode.Should().Be(0, "{0}", run);
        run.StandardOutput.Should().Contain($"canary anomaly {target.CanaryUuid}: unchanged");
        (run.StandardOutput + run.StandardError).Should().NotContain(CanaryTarget.Key);
    }

    [Test]
    public async Task A_profile_permission_matrix_replaces_the_pages_and_the_report_shows_expected_beside_observed()
    {
        await using var target = await CanaryTarget.StartAsync();
        // The deployment's own matrix lets a Reporter read an anomaly; the reference server (the page) does not.
        var folder = Path.GetDirectoryName(target.ProfilePath)!;
        var matrix = await File.ReadAllTextAsync(Repository.Specs("permissions.yaml"));
        var get = matrix.IndexOf("  - call: get\n", StringComparison.Ordinal);
        var cell = matrix.IndexOf("member-reporter: deny", get, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(folder, "deployment-permissions.yaml"), matrix[..cell] + "member-reporter: allow" + matrix[(cell + "member-reporter: deny".Length)..]);
        var profile = Path.Combine(folder, "with-matrix.yaml");
        await File.WriteAllTextAsync(profile, await File.ReadAllTextAsync(target.ProfilePath) + "\npermission_matrix: deployment-permissions.yaml\n");
        var output = TempDirectory.Create("profile-matrix");

        var run = await ChildProcess.RunRunnerAsync("--profile", profile, "--rule", "PERM-READ-VIEWER", "--out", output, "--seed", "4242");

        var results = ResultsFile.Load(output);
        results.FailedRules().Should().Equal(["PERM-READ-VIEWER"], "the profile's matrix is the one judged: {0}", run);
        var cells = results.Document["permission_matrix"]!.AsArray().Select(c => c!.AsObject()).Where(c => c["expected"]!.GetValue<string>() != c["observed"]!.GetValue<string>()).ToList();
        cells.Should().ContainSingle("only the changed cell differs");
        (cells[0]["role"]!.GetValue<string>(), cells[0]["expected"]!.GetValue<string>(), cells[0]["observed"]!.GetValue<string>())
            .Should().Be(("member-reporter", "allow", "deny"));
    }

    [Test]
    public async Task A_canary_changed_during_the_run_makes_it_not_conformant()
    {
        await using var target = await CanaryTarget.StartAsync();
        var output = TempDirectory.Create("profile-canary");

        // Someone else changes the canary while the suite runs: the run must notice.
        var running = ChildProcess.RunRunnerAsync("--profile", target.ProfilePath, "--out", output, "--seed", "4242", "--workers", "1");
        var exchanges = Path.Combine(output, "exchanges.ndjson");
        for (var i = 0; i < 200 && !(File.Exists(exchanges) && new FileInfo(exchanges).Length > 0); i++)
        {
            await Task.Delay(50);
        }

        await target.TouchCanaryAsync();
        var run = await running;

        run.ExitCode.Should().Be(1, "{0}", run);
        run.StandardOutput.Should().Contain($"CANARY CHANGED: anomaly {target.CanaryUuid}");
        JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "results.json")))!["canary"]!["unchanged"]!.GetValue<bool>().Should().BeFalse();
    }

    private static string Write(string yaml)
    {
        var path = Path.Combine(TempDirectory.Create("profile"), "profile.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    /// <summary>A reference server the test starts itself, seeded with one canary anomaly, and a profile for it.</summary>
    private sealed class CanaryTarget : IAsyncDisposable
    {
        public const string Key = "selftest-profile-provisioning-key";

        private readonly ReferenceServerProcess server;
        private readonly string adminToken;
        private readonly long canaryId;

        private CanaryTarget(ReferenceServerProcess server, string profilePath, string adminToken, long canaryId, string canaryUuid)
        {
            this.server = server;
            ProfilePath = profilePath;
            this.adminToken = adminToken;
            this.canaryId = canaryId;
            CanaryUuid = canaryUuid;
        }

        public string ProfilePath { get; }
        public string CanaryUuid { get; }

        public static async Task<CanaryTarget> StartAsync()
        {
            var server = await ReferenceServerProcess.StartAsync(Repository.ReferenceServerDll, Key, [], TimeSpan.FromSeconds(60));
            using var http = new HttpClient { BaseAddress = server.Url };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/_provisioning/batch")
            {
                Content = new StringContent("""
                    {"users": [{"key": "owner", "name": "Canary Owner", "email": "owner@example.test", "role": "Admin"}],
                     "datastores": [{"key": "ds", "name": "shared data", "containers": [{"key": "c", "name": "orders"}]}],
                     "anomalies": [{"key": "canary", "datastore": "ds", "container": "c", "description": "do not touch"}]}
                    """, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Provisioning-Key", Key);
            using var response = await http.SendAsync(request);
            var seeded = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            var profile = Path.Combine(TempDirectory.Create("canary-profile"), "profile.yaml");
            var uuid = seeded["anomalies"]!["canary"]!["uuid"]!.GetValue<string>();
            await File.WriteAllTextAsync(profile, $"""
                version: 1
                target: {"{"}base_url: "{server.Url}", timeout_seconds: 10{"}"}
                fixtures: {"{"}mode: provisioning, provisioning_key: {"{"}value: "{Key}"{"}"}{"}"}
                canary: {uuid}
                """);
            return new CanaryTarget(server, profile, seeded["users"]!["owner"]!["token"]!.GetValue<string>(), seeded["anomalies"]!["canary"]!["id"]!.GetValue<long>(), uuid);
        }

        public async Task TouchCanaryAsync()
        {
            using var http = new HttpClient { BaseAddress = server.Url };
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/anomalies/{canaryId}") { Content = new StringContent("""{"description": "touched"}""", Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", adminToken);
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }

        public ValueTask DisposeAsync() => server.DisposeAsync();
    }
}
