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
    public static IEnumerable<TestCaseData> Faults() => FaultList.Load()
        .Select(f => new TestCaseData(f.Name, f.Rule).SetName($"With fault {f.Name} only rule {f.Rule} fails"));

    [Test]
    public async Task A_clean_run_against_the_reference_server_passes_every_checked_rule_and_writes_the_three_reports()
    {
        var output = TempDirectory.Create("clean-run");

        const string distinctiveKey = "selftest-SECRET-provisioning-key-7c1f";
        var run = await ChildProcess.RunSuiteAsync("--out", output, "--seed", "4242", "--provisioning-key", distinctiveKey);

        run.ExitCode.Should().Be(0, "the reference server is the faithful implementation: {0}", run);
        foreach (var file in new[] { "index.html", "results.json", "junit.xml", "exchanges.ndjson" })
        {
            File.Exists(Path.Combine(output, file)).Should().BeTrue($"the run writes {file}");
        }

        var schema = await JsonSchema.FromFileAsync(Repository.Specs("results.schema.json"));
        var violations = schema.Validate(await File.ReadAllTextAsync(Path.Combine(output, "results.json")));
        violations.Select(v => $"{v.Path}: {v.Kind}").Should().BeEmpty("results.json follows specs/results.schema.json");

        var results = ResultsFile.Load(output);
        results.FailedRules().Should().BeEmpty("no rule fails against the reference server");
        results.Summary["passed"]!.GetValue<int>().Should().BeGreaterThan(30, "the run checks the rules its scenarios cover");
        run.StandardOutput.Should().Contain("seed 4242", "the seed is printed so the run can be reproduced");
        run.StandardOutput.Should().Contain("VERDICT: CONFORMANT");
        (run.StandardOutput + run.StandardError).Should().NotContain(distinctiveKey, "secrets never reach the console");
        foreach (var file in Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories))
        {
            (await File.ReadAllTextAsync(file)).Should().NotContain(distinctiveKey, $"secrets never reach a report ({file})");
        }
    }

    [TestCaseSource(nameof(Faults))]
    public async Task Each_fault_makes_exactly_its_rule_fail(string fault, string rule)
    {
        var output = TempDirectory.Create("fault-" + fault);

        var run = await ChildProcess.RunSuiteAsync("--reference-fault", fault, "--out", output, "--seed", "4242");

        var results = ResultsFile.Load(output);
        results.FailedRules().Should().Equal([rule], "fault {0} breaks rule {1} and nothing else: {2}", fault, rule, run);
        var level = results.Rule(rule)["level"]!.GetValue<string>();
        run.ExitCode.Should().Be(level == "MUST" ? 1 : 0, "a failed MUST rule makes the run exit 1, a failed SHOULD rule does not");
        run.StandardOutput.Should().Contain(rule, "the console names the broken rule");
        results.Document["reference_faults"]!.AsArray().Select(f => f!.GetValue<string>()).Should().Equal([fault]);
    }
}

internal sealed class ResultsFile(JsonObject document)
{
    public JsonObject Document { get; } = document;

    public JsonObject Summary => Document["summary"]!.AsObject();

    public static ResultsFile Load(string directory) =>
        new(JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "results.json")))!.AsObject());

    public IEnumerable<string> FailedRules() => Document["rules"]!.AsArray()
        .Where(r => r!["verdict"]!.GetValue<string>() is "failed" or "inconclusive")
        .Select(r => r!["id"]!.GetValue<string>());

    public JsonObject Rule(string id) => Document["rules"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == id)!.AsObject();
}
