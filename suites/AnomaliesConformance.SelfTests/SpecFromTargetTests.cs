using System.Text.Json.Nodes;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NJsonSchema;
using NUnit.Framework;
using static AnomaliesConformance.SelfTests.Support.OpenApiDocuments;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.SelfTests;

/// <summary>
/// --spec-from-target end to end: the runner fetches the target's own OpenAPI description as its Admin,
/// generates the contract checks from it, and reports its drift from specs/ without judging it; a target
/// that does not publish a readable description stops the run with exit 3.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class SpecFromTargetTests
{
    private const string ProvisioningKey = "selftest-spec-from-target-key-83b1e5";

    [Test]
    public async Task An_unchanged_description_drives_the_contract_checks_with_no_drift_and_no_token_in_any_output()
    {
        // The test starts the server itself, with a database it reads afterwards for every token it issued.
        var workspace = TempDirectory.Create("spec-from-target");
        var database = Path.Combine(workspace, "reference.db");
        await using var server = await ReferenceServerProcess.StartAsync(Repository.ReferenceServerDll, ProvisioningKey, [], TimeSpan.FromSeconds(60), database);
        var output = Path.Combine(workspace, "report");

        var run = await ChildProcess.RunRunnerAsync("--target", server.Url.ToString(), "--provisioning-key", ProvisioningKey, "--spec-from-target", "--out", output, "--seed", "4242", "--keep-fixtures");

        run.ExitCode.Should().Be(0, "{0}", run);
        var results = ResultsFile.Load(output);
        var drift = results.Document["spec_drift"]!;
        drift["target_document"]!.GetValue<string>().Should().Be(server.Url + "api/openapi.json");
        drift["items"]!.AsArray().Should().BeEmpty("the reference server publishes specs/anomalies.openapi.yaml");
        drift["count"]!.GetValue<int>().Should().Be(0);
        File.Exists(Path.Combine(output, "target-openapi.json")).Should().BeTrue("the fetched description is kept beside the reports");
        run.StandardOutput.Should().Contain("OpenAPI drift: 0 difference(s)");
        results.Document["tests"]!.AsArray().Should().Contain(t => t!["name"]!.GetValue<string>() == "getAnomalyFailedChecks / 200 / body matches schema", "the contract cases run");
        File.ReadAllLines(Path.Combine(output, "exchanges.ndjson")).Should().Contain(l => l.Contains("/api/openapi.json") && l.Contains("<token:admin>"),
            "the description is fetched as the run's Admin through the recorded client");
        var schema = await JsonSchema.FromFileAsync(Repository.Specs("results.schema.json"));
        schema.Validate(await File.ReadAllTextAsync(Path.Combine(output, "results.json"))).Select(v => $"{v.Path}: {v.Kind}").Should().BeEmpty("results.json follows specs/results.schema.json");

        var secrets = ReferenceDatabase.IssuedTokens(database).Append(ProvisioningKey).ToList();
        secrets.Should().HaveCountGreaterThan(10, "the run provisioned its cast");
        var texts = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Select(f => (Name: f, Text: File.ReadAllText(f)))
            .Append((Name: "console", Text: run.StandardOutput + run.StandardError));
        texts.SelectMany(t => secrets.Where(s => t.Text.Contains(s, StringComparison.Ordinal)).Select(s => $"{t.Name}: {s[..6]}…"))
            .Should().BeEmpty("no token or key may reach a report, the saved description or the console");
    }

    [Test]
    public async Task A_drifted_description_shows_each_difference_with_its_side_and_the_checks_follow_it()
    {
        var workspace = TempDirectory.Create("spec-drifted");
        var description = Path.Combine(workspace, "drifted.openapi.json");
        await File.WriteAllTextAsync(description, Json(Changed(Drift)));
        var output = Path.Combine(workspace, "report");

        var run = await ChildProcess.RunRunnerAsync("--reference-openapi", description, "--spec-from-target", "--out", output, "--seed", "4242");

        run.ExitCode.Should().Be(0, "drift is information, not a verdict, and the drifted description still fits the server: {0}", run);
        var items = ResultsFile.Load(output).Document["spec_drift"]!["items"]!.AsArray()
            .Select(i => (Kind: i!["kind"]!.GetValue<string>(), Where: i["where"]!.GetValue<string>(), Name: i["name"]!.GetValue<string>(), OnlyIn: i["only_in"]!.GetValue<string>()))
            .ToList();
        (string Kind, string Where, string Name, string OnlyIn)[] expected =
        [
            ("operation", $"GET {RemovedPath}", RemovedOperationId, "specs"),
            ("parameter", $"GET {ListPath}", $"query {AddedParameter}", "target"),
            ("enum", $"GET {ListPath} query archived", DroppedArchivedValue, "specs"),
            ("response_field", "GET /api/anomalies/{id} 200", AddedAnomalyProperty, "target"),
            ("status", $"GET {HistoryPath}", RemovedHistoryStatus, "specs"),
        ];
        items.Should().Contain(expected, "{0}", run);
        run.StandardOutput.Should().Contain($"OpenAPI drift: {items.Count} difference(s)");

        var html = await File.ReadAllTextAsync(Path.Combine(output, "index.html"));
        html.Should().Contain($"OpenAPI drift ({items.Count})");
        foreach (var item in expected)
        {
            html.Should().Contain($"<td>{item.Kind}</td><td><code>{System.Net.WebUtility.HtmlEncode(item.Where)}</code></td><td><code>{item.Name}</code></td><td>{item.OnlyIn}</td>");
        }

        (await File.ReadAllTextAsync(Path.Combine(output, "summary.md"))).Should().Contain($"OpenAPI drift: {items.Count} difference(s)");
        ResultsFile.Load(output).Document["tests"]!.AsArray().Select(t => t!["name"]!.GetValue<string>())
            .Should().NotContain(n => n.StartsWith(RemovedOperationId + " /", StringComparison.Ordinal), "the checks come from the target's description, which lacks that operation");
    }

    [Test]
    public async Task A_yaml_description_is_read_too()
    {
        var output = TempDirectory.Create("spec-yaml");

        var run = await ChildProcess.RunRunnerAsync("--reference-openapi", Repository.Specs("anomalies.openapi.yaml"), "--spec-from-target", "--rule", "CONTRACT-RESPONSE-SCHEMA", "--out", output, "--seed", "4242");

        run.ExitCode.Should().Be(0, "{0}", run);
        var drift = ResultsFile.Load(output).Document["spec_drift"]!;
        drift["saved_as"]!.GetValue<string>().Should().Be("target-openapi.yaml");
        drift["items"]!.AsArray().Should().BeEmpty();
    }

    [Test]
    public async Task A_path_the_target_answers_404_exits_3_naming_the_url_and_the_status()
    {
        var output = TempDirectory.Create("spec-404");

        var run = await ChildProcess.RunRunnerAsync("--spec-from-target", "/api/nothing-here", "--out", output);

        run.ExitCode.Should().Be(3, "{0}", run);
        run.StandardError.Should().MatchRegex(@"GET http://127\.0\.0\.1:\d+/api/nothing-here answered 404");
        run.StandardOutput.Should().Contain("nothing is left", "the users provisioned before the fetch are removed again");
    }

    [Test]
    public async Task A_body_that_is_not_an_openapi_description_exits_3_and_is_kept_for_a_look()
    {
        var workspace = TempDirectory.Create("spec-not-openapi");
        var description = Path.Combine(workspace, "maintenance.html");
        await File.WriteAllTextAsync(description, "<html><body><h1>Down for maintenance</h1></body></html>");
        var output = Path.Combine(workspace, "report");

        var run = await ChildProcess.RunRunnerAsync("--reference-openapi", description, "--spec-from-target", "--out", output);

        run.ExitCode.Should().Be(3, "{0}", run);
        run.StandardError.Should().MatchRegex(@"GET http://127\.0\.0\.1:\d+/api/openapi\.json answered 200: the answer is not an OpenAPI 3 document");
        run.StandardError.Should().NotContain("   at ", "a target's bad answer is reported, not a crash");
        File.ReadAllText(Path.Combine(output, "target-openapi.yaml")).Should().Contain("Down for maintenance");
    }

    [TestCase("--spec-from-target", "--spec", "specs/anomalies.openapi.yaml")]
    [TestCase("--spec-from-target", "http://example.test/openapi.json")]
    [TestCase("--reference-openapi", "/no/such/openapi.json")]
    public async Task A_misused_option_exits_2_and_names_it(params string[] arguments)
    {
        var run = await ChildProcess.RunRunnerAsync([.. arguments, "--out", TempDirectory.Create("spec-usage")]);

        run.ExitCode.Should().Be(2, "{0}", run);
        run.StandardError.Should().Contain(arguments[0]);
    }
}
