using System.Text.Json.Nodes;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NJsonSchema;
using NUnit.Framework;

namespace AnomaliesConformance.SelfTests;

/// <summary>
/// The suite judged by its own reference server: clean, every checked rule passes; with each named fault
/// on, exactly the rule that fault breaks is reported failed (so every check could have failed).
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ConformanceRunTests
{
    /// <summary>
    /// The reference server's answers to the disputed behaviours (observation rules), declared so those
    /// rules are judged in the fault runs and a fault that flips the behaviour is seen to fail its rule.
    /// </summary>
    internal static readonly string[] ReferenceExpectations =
        ["--expect", "acknowledged_to_active=allowed", "--expect", "put_on_archived=restores"];

    private static readonly string[] ObservationRules = ["STATUS-ACKNOWLEDGED-TO-ACTIVE", "STATUS-PUT-ON-ARCHIVED"];

    [Test]
    public async Task A_clean_run_against_the_reference_server_passes_every_checked_rule_and_writes_the_three_reports()
    {
        var output = TempDirectory.Create("clean-run");

        const string distinctiveKey = "selftest-SECRET-provisioning-key-7c1f";
        var run = await ChildProcess.RunRunnerAsync("--out", output, "--seed", "4242", "--provisioning-key", distinctiveKey);

        run.ExitCode.Should().Be(0, "the reference server is the faithful implementation: {0}", run);
        foreach (var file in new[] { "index.html", "results.json", "junit.xml", "exchanges.ndjson", "spec-coverage.json", "spec-coverage.cobertura.xml" })
        {
            File.Exists(Path.Combine(output, file)).Should().BeTrue($"the run writes {file}");
        }

        var schema = await JsonSchema.FromFileAsync(Repository.Specs("results.schema.json"));
        var violations = schema.Validate(await File.ReadAllTextAsync(Path.Combine(output, "results.json")));
        violations.Select(v => $"{v.Path}: {v.Kind}").Should().BeEmpty("results.json follows specs/results.schema.json");

        var results = ResultsFile.Load(output);
        results.FailedRules().Should().BeEmpty("no rule fails against the reference server");
        results.InconclusiveRules().Should().BeEmpty("every rule is judged against the reference server");
        results.Summary["passed"]!.GetValue<int>().Should().BeGreaterThan(30, "the run checks the rules its scenarios cover");
        results.SkippedTestRules().Should().BeSubsetOf(ObservationRules, "only observations end not judged in a clean run; a skipped precondition would hide a check");
        run.StandardOutput.Should().Contain("seed 4242", "the seed is printed so the run can be reproduced");
        run.StandardOutput.Should().Contain("VERDICT: CONFORMANT");
        results.Document["tests"]!.AsArray().Should().Contain(t => t!["name"]!.GetValue<string>() == "listAnomalies / 200 / body matches schema", "the contract cases run with the scenarios");
        results.Document["warnings"]!.AsArray().Should().BeEmpty("the reference server answers only documented properties");
        var coverage = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "spec-coverage.json")))!["summary"]!;
        coverage["operations"]!["covered"]!.GetValue<int>().Should().Be(coverage["operations"]!["total"]!.GetValue<int>(), "every operation is exercised");
        coverage["parameters"]!["covered"]!.GetValue<int>().Should().Be(coverage["parameters"]!["total"]!.GetValue<int>(), "every parameter is exercised");
        EveryTestDeclaresAnEffectThatCoversWhatItSent(results, output);
        (run.StandardOutput + run.StandardError).Should().NotContain(distinctiveKey, "secrets never reach the console");
        foreach (var file in Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories))
        {
            (await File.ReadAllTextAsync(file)).Should().NotContain(distinctiveKey, $"secrets never reach a report ({file})");
        }
    }

    [Test]
    public async Task A_read_only_run_sends_no_write_and_lists_the_write_checks_as_not_run()
    {
        var output = TempDirectory.Create("read-only");

        var run = await ChildProcess.RunRunnerAsync("--read-only", "--out", output, "--seed", "4242");

        run.ExitCode.Should().Be(0, "{0}", run);
        var results = ResultsFile.Load(output);
        results.Document["request_policy"]!["read_only"]!.GetValue<bool>().Should().BeTrue();
        var tests = results.Document["tests"]!.AsArray().Select(t => t!.AsObject()).ToList();
        tests.Where(t => t["effect"]!.GetValue<string>() == "read").Should().HaveCountGreaterThan(100)
            .And.OnlyContain(t => t["verdict"]!.GetValue<string>() == "passed", "the read checks run and pass");
        tests.Where(t => t["effect"]!.GetValue<string>() != "read").Should().HaveCountGreaterThan(100)
            .And.OnlyContain(t => t["verdict"]!.GetValue<string>() == "skipped" && t["message"]!.GetValue<string>().Contains("--read-only"), "the write checks are listed, not run");
        var writes = File.ReadLines(Path.Combine(output, "exchanges.ndjson"))
            .Select(line => JsonNode.Parse(line)!)
            .Where(e => e["method"]!.GetValue<string>() != "GET" && !e["url"]!.GetValue<string>().Contains("/api/_provisioning/", StringComparison.Ordinal))
            .Select(e => $"{e["method"]} {e["url"]} ({e["testId"]})");
        writes.Should().BeEmpty("a read-only run sends no write to the API (its own fixtures come through the provisioning extension)");
        run.StandardOutput.Should().Contain("Read-only run:");
    }

    /// <summary>
    /// Each check's declared effect is at least the strongest request it sent in a clean run: a read check
    /// sent only GETs, and only destructive checks archived or deleted. A wrong declaration would let
    /// --read-only or a manifest's purposes expose data the profile did not offer.
    /// </summary>
    private static void EveryTestDeclaresAnEffectThatCoversWhatItSent(ResultsFile results, string output)
    {
        var rank = new Dictionary<string, int> { ["read"] = 0, ["reversible-write"] = 1, ["destructive"] = 2 };
        var declared = results.Document["tests"]!.AsArray().ToDictionary(t => t!["id"]!.GetValue<string>(), t => t!["effect"]?.GetValue<string>());
        declared.Where(d => d.Value is null).Select(d => d.Key).Should().BeEmpty("every check declares its effect");
        var exceeded = File.ReadLines(Path.Combine(output, "exchanges.ndjson"))
            .Select(line => JsonNode.Parse(line)!)
            // Provisioning is the run's own setup, removed at teardown; a check's effect is what it does through the API.
            .Where(e => declared.ContainsKey(e["testId"]!.GetValue<string>()) && !e["url"]!.GetValue<string>().Contains("/api/_provisioning/", StringComparison.Ordinal))
            .Select(e => (Test: e["testId"]!.GetValue<string>(), Request: $"{e["method"]} {new Uri(e["url"]!.GetValue<string>()).AbsolutePath}",
                Effect: AnomaliesConformance.Core.Checks.Effects.Name(AnomaliesConformance.Core.Checks.Effects.OfRequest(e["method"]!.GetValue<string>(), new Uri(e["url"]!.GetValue<string>()).AbsolutePath))))
            .Where(e => rank[e.Effect] > rank[declared[e.Test]!])
            .Select(e => $"{e.Test} declares {declared[e.Test]} but sent {e.Request} ({e.Effect})")
            .Distinct()
            .ToList();
        exceeded.Should().BeEmpty("a check's declared effect covers every request it sends");
    }

    /// <summary>
    /// A server that deviates only where the page is silent is MUST-conformant: with the fault of every SHOULD
    /// rule on at once (each the other defensible choice, or a deviation the page does not rule out), every
    /// MUST rule still passes, and each of those SHOULD rules fails or ends inconclusive naming what blocked it.
    /// The target's own spelling of a changeset key is declared, as a vendor's profile would.
    /// </summary>
    [Test]
    public async Task With_the_fault_of_every_should_rule_on_at_once_every_must_rule_still_passes()
    {
        var catalogue = AnomaliesConformance.Core.Catalogue.RuleCatalogue.Load(Repository.Specs("rules.yaml"));
        var shouldFaults = FaultList.Load().Where(f => catalogue.Find(f.Rule) is { IsMust: false }).ToList();
        var output = TempDirectory.Create("every-should-fault");

        var run = await ChildProcess.RunRunnerAsync([
            "--reference-fault", string.Join(",", shouldFaults.Select(f => f.Name)), "--out", output, "--seed", "4242",
            "--representation", "history_tags_key=tags", .. ReferenceExpectations]);

        var results = ResultsFile.Load(output);
        var must = results.Document["rules"]!.AsArray().Select(r => r!.AsObject()).Where(r => r["level"]!.GetValue<string>() == "MUST").ToList();
        must.Where(r => r["verdict"]!.GetValue<string>() != "passed")
            .Select(r => $"{r["id"]}: {r["verdict"]} {r["note"]}")
            .Should().BeEmpty("a deviation where the page is silent never fails or blocks a MUST rule ({0} faults on): {1}", shouldFaults.Count, run);
        // Blocked by a named rule ("not judged: ..."), or by the exchange a fault answers with a 5xx ("target error").
        foreach (var rule in shouldFaults.Select(f => f.Rule).Distinct())
        {
            var verdict = results.Rule(rule);
            var note = verdict["note"]?.GetValue<string>() ?? "";
            (verdict["verdict"]!.GetValue<string>() == "failed"
                || (verdict["verdict"]!.GetValue<string>() == "inconclusive" && (note.StartsWith("not judged:", StringComparison.Ordinal) || note.StartsWith("target error", StringComparison.Ordinal))))
                .Should().BeTrue("SHOULD rule {0}, whose fault is on, fails or names what blocked it; it is {1}: {2}", rule, verdict["verdict"], note);
        }

        run.ExitCode.Should().Be(0, "only SHOULD rules fail, so the target is conformant: {0}", run);
    }

    [Test]
    public void The_fault_table_of_the_reference_servers_readme_is_the_servers_list_of_faults()
    {
        var readme = File.ReadAllLines(Path.Combine(Repository.Root, "fixtures", "ReferenceServer", "README.md"));
        var start = Array.IndexOf(readme, "| fault | rule | deviation |");
        var rows = readme.Skip(start + 2).TakeWhile(l => l.StartsWith('|')).ToList();

        start.Should().BeGreaterThan(0, "the README has a fault table");
        rows.Should().Equal(
            AnomaliesConformance.ReferenceServer.Faults.All.Select(f => $"| `{f.Name}` | `{f.Rule}` | {f.Description} |"),
            "the README lists every fault, its rule and its deviation as the server declares them");
    }

    [Test]
    public async Task Without_expectations_the_disputed_transitions_are_observations_and_not_verdicts()
    {
        var output = TempDirectory.Create("observations");

        var run = await ChildProcess.RunRunnerAsync("--rule", string.Join(',', ObservationRules), "--out", output, "--seed", "4242");

        run.ExitCode.Should().Be(0, "observations never fail a run: {0}", run);
        var results = ResultsFile.Load(output);
        results.Document["observations"]!.AsArray().Select(o => o!["rule"]!.GetValue<string>()).Should().BeEquivalentTo(ObservationRules, "each disputed behaviour is recorded as an observation");
        results.Document["observations"]!.AsArray().Should().OnlyContain(o => o!["observed"]!.GetValue<string>().Contains("answered 200"), "the observation says what the target did");
        foreach (var rule in ObservationRules)
        {
            results.Rule(rule)["verdict"]!.GetValue<string>().Should().Be("skipped", "{0} is not judged without an expectation", rule);
        }
    }

    [Test]
    public async Task With_the_reference_servers_expectations_the_disputed_transitions_are_judged_and_pass()
    {
        var output = TempDirectory.Create("expectations");

        var run = await ChildProcess.RunRunnerAsync(["--rule", string.Join(',', ObservationRules), "--out", output, "--seed", "4242", .. ReferenceExpectations]);

        run.ExitCode.Should().Be(0, "the reference server does what its expectations declare: {0}", run);
        var results = ResultsFile.Load(output);
        results.Document["observations"]!.AsArray().Should().BeEmpty("a declared expectation turns the observation into a verdict");
        foreach (var rule in ObservationRules)
        {
            results.Rule(rule)["verdict"]!.GetValue<string>().Should().Be("passed", "{0} is judged against the declared expectation", rule);
        }
    }
}

/// <summary>The contract suite's own options: --spec (JSON too), --strict-schema, --fuzz, and the rendered spec coverage.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class ContractRunTests
{
    [Test]
    public async Task Undocumented_properties_warn_by_default_and_fail_under_strict_schema()
    {
        // A JSON copy of the document that no longer lists `archived`: the reference server's answers carry it.
        var document = AnomaliesConformance.Core.Specs.OpenApiContract.Load(Repository.Specs("anomalies.openapi.yaml"));
        document.Components.Schemas["Anomaly"].Properties.Remove("archived");
        document.Components.Schemas["Anomaly"].Required.Remove("archived");
        var spec = Path.Combine(TempDirectory.Create("spec-without-archived"), "anomalies.openapi.json");
        await File.WriteAllTextAsync(spec, Microsoft.OpenApi.Extensions.OpenApiSerializableExtensions.SerializeAsJson(document, Microsoft.OpenApi.OpenApiSpecVersion.OpenApi3_0));

        var lenientOut = TempDirectory.Create("lenient");
        var lenient = await ChildProcess.RunRunnerAsync("--spec", spec, "--rule", "CONTRACT-RESPONSE-SCHEMA", "--out", lenientOut, "--seed", "4242");
        var strictOut = TempDirectory.Create("strict");
        var strict = await ChildProcess.RunRunnerAsync("--spec", spec, "--strict-schema", "--rule", "CONTRACT-RESPONSE-SCHEMA", "--out", strictOut, "--seed", "4242");

        lenient.ExitCode.Should().Be(0, "{0}", lenient);
        var warnings = ResultsFile.Load(lenientOut).Document["warnings"]!.AsArray();
        warnings.Should().NotBeEmpty("undocumented properties are reported as warnings: {0}", lenient);
        warnings.Select(w => w!["message"]!.GetValue<string>()).Should().OnlyContain(m => m.Contains(".archived"));
        ResultsFile.Load(lenientOut).FailedRules().Should().BeEmpty();
        lenient.StandardOutput.Should().Contain("warnings:");
        ResultsFile.Load(strictOut).FailedRules().Should().Equal(["CONTRACT-RESPONSE-SCHEMA"], "--strict-schema makes them failures: {0}", strict);
    }

    [Test]
    public async Task A_fuzz_run_passes_against_the_reference_server()
    {
        var output = TempDirectory.Create("fuzz-clean");

        var run = await ChildProcess.RunRunnerAsync("--fuzz", "15", "--rule", "CONTRACT-DOCUMENTED-STATUS,CONTRACT-RESPONSE-SCHEMA", "--out", output, "--seed", "4242");

        run.ExitCode.Should().Be(0, "{0}", run);
        ResultsFile.Load(output).FailedRules().Should().BeEmpty("{0}", run);
        ResultsFile.Load(output).Document["tests"]!.AsArray().Count(t => t!["name"]!.GetValue<string>().Contains("/ fuzz 15 requests /")).Should().Be(28);
    }

    [Test]
    public async Task A_fuzz_finding_names_the_request_and_the_seed_that_reproduces_it()
    {
        var output = TempDirectory.Create("fuzz-fault");

        var run = await ChildProcess.RunRunnerAsync("--fuzz", "60", "--rule", "CONTRACT-DOCUMENTED-STATUS", "--reference-fault", "contract-size-above-max-500", "--out", output, "--seed", "4242");

        var results = ResultsFile.Load(output);
        results.FailedRules().Should().Equal(["CONTRACT-DOCUMENTED-STATUS"], "{0}", run);
        var finding = results.Document["tests"]!.AsArray().Single(t => t!["verdict"]!.GetValue<string>() == "failed")!;
        finding["name"]!.GetValue<string>().Should().Be("listAnomalies / fuzz 60 requests / documented status, never 5xx");
        finding["message"]!.GetValue<string>().Should().Contain("size=101").And.Contain("-> 500").And.Contain("--seed 4242 --fuzz 60");
    }

    [Test]
    public async Task Run_conformance_renders_the_spec_coverage_page_with_reportgenerator()
    {
        var output = TempDirectory.Create("coverage-page");

        var run = await ChildProcess.RunAsync(Path.Combine(Repository.Root, "run-conformance.sh"), ["--rule", "AUTH-MISSING-TOKEN", "--out", output, "--seed", "4242"], TimeSpan.FromMinutes(5));

        run.ExitCode.Should().Be(0, "{0}", run);
        run.StandardOutput.Should().Contain("Spec coverage page: " + output);
        var page = Directory.EnumerateFiles(Path.Combine(output, "spec-coverage"), "*.html").Where(f => !f.EndsWith("index.html", StringComparison.Ordinal)).Single();
        var html = await File.ReadAllTextAsync(page);
        html.Should().Contain("operationId:&nbsp;listAnomalies", "the OpenAPI document is the page's source file");
        html.Should().Contain("lightred", "lines no exchange exercised are marked uncovered");
        html.Should().Contain("lightgreen", "exercised lines are marked covered");
    }
}

internal sealed class ResultsFile(JsonObject document)
{
    public JsonObject Document { get; } = document;

    public JsonObject Summary => Document["summary"]!.AsObject();

    public static ResultsFile Load(string directory) =>
        new(JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "results.json")))!.AsObject());

    public IEnumerable<string> FailedRules() => Rules("failed").Select(r => r["id"]!.GetValue<string>());

    /// <summary>The rules no check could judge, each with why (the first inconclusive test's message).</summary>
    public IEnumerable<(string Id, string Note)> InconclusiveRules() =>
        Rules("inconclusive").Select(r => (r["id"]!.GetValue<string>(), r["note"]?.GetValue<string>() ?? ""));

    private IEnumerable<JsonObject> Rules(string verdict) => Document["rules"]!.AsArray()
        .Select(r => r!.AsObject())
        .Where(r => r["verdict"]!.GetValue<string>() == verdict);

    /// <summary>The rules of the tests that ended skipped (not judged).</summary>
    public IEnumerable<string> SkippedTestRules() => Document["tests"]!.AsArray()
        .Where(t => t!["verdict"]!.GetValue<string>() == "skipped")
        .SelectMany(t => t!["rules"]!.AsArray().Select(r => r!.GetValue<string>()))
        .Distinct();

    public JsonObject Rule(string id) => Document["rules"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == id)!.AsObject();
}
