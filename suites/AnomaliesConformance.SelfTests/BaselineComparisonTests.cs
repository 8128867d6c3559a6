using System.Text.Json.Nodes;
using System.Xml.Linq;
using AnomaliesConformance.Core;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Runner.Reporting;
using AnomaliesConformance.SelfTests.Reporting;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NJsonSchema;
using NUnit.Framework;

namespace AnomaliesConformance.SelfTests;

/// <summary>
/// --baseline, --fail-on regressions and compare A B: a run with one fault newly on names exactly that
/// rule as a regression in every report, the gate exits 1 for it and 0 for a run compared with itself, and
/// a baseline that is not a results.json of the same catalogue is a usage error.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class BaselineComparisonTests
{
    // Two rules of quick checks; the fault breaks the first only, so the second shows what is not a regression.
    private const string Rules = "TAGS-REPLACE,TAGS-CLEAR";
    private const string Fault = "tags-append";
    private const string BrokenRule = "TAGS-REPLACE";

    [TestCase(Verdicts.Passed, Verdicts.Failed, ComparisonCategories.NewFailure, true)]
    [TestCase(Verdicts.Inconclusive, Verdicts.Failed, ComparisonCategories.NewFailure, true)]
    [TestCase(Verdicts.Passed, Verdicts.Waived, ComparisonCategories.NewFailure, false)]
    [TestCase(Verdicts.Failed, Verdicts.Failed, ComparisonCategories.StillFailing, false)]
    [TestCase(Verdicts.Waived, Verdicts.Failed, ComparisonCategories.StillFailing, false)]
    [TestCase(Verdicts.Failed, Verdicts.Waived, ComparisonCategories.StillFailing, false)]
    [TestCase(Verdicts.Failed, Verdicts.Passed, ComparisonCategories.Fixed, false)]
    [TestCase(Verdicts.Waived, Verdicts.Passed, ComparisonCategories.Fixed, false)]
    [TestCase(Verdicts.Passed, Verdicts.Inconclusive, ComparisonCategories.NewlyInconclusive, false)]
    [TestCase(Verdicts.Failed, Verdicts.Inconclusive, ComparisonCategories.NewlyInconclusive, false)]
    [TestCase(Verdicts.Inconclusive, Verdicts.Passed, ComparisonCategories.NewlyPassed, false)]
    [TestCase(Verdicts.Passed, Verdicts.Passed, ComparisonCategories.Unchanged, false)]
    [TestCase(Verdicts.Inconclusive, Verdicts.Inconclusive, ComparisonCategories.Unchanged, false)]
    [TestCase(Verdicts.Skipped, Verdicts.Failed, ComparisonCategories.NotCompared, false)]
    [TestCase(Verdicts.Passed, Verdicts.Skipped, ComparisonCategories.NotCompared, false)]
    public void Each_pair_of_verdicts_falls_in_the_category_the_readme_defines(string before, string now, string category, bool regression)
    {
        var baseline = new RecordedRun("baseline.json", "t", "s", true, [new RecordedRule("R", "MUST", "r", before)]);

        var comparison = BaselineComparison.Of(baseline, [new RecordedRule("R", "MUST", "r", now)]);

        comparison.Rules.Single().Category.Should().Be(category);
        comparison.Regressions.Should().HaveCount(regression ? 1 : 0, "a regression is a rule that fails, unwaived, now and passed or was inconclusive before");
    }

    [Test]
    public async Task A_run_with_one_fault_newly_on_reports_exactly_that_rule_as_a_regression_and_the_gate_exits_1_for_it_and_0_against_itself()
    {
        var clean = TempDirectory.Create("baseline-clean");
        var faulty = TempDirectory.Create("baseline-faulty");
        var baselineRun = await ChildProcess.RunRunnerAsync("--rule", Rules, "--seed", "4242", "--out", clean);
        baselineRun.ExitCode.Should().Be(0, "{0}", baselineRun);

        var run = await ChildProcess.RunRunnerAsync("--rule", Rules, "--seed", "4242", "--reference-fault", Fault, "--baseline", Path.Combine(clean, "results.json"), "--fail-on", "regressions", "--out", faulty);

        run.ExitCode.Should().Be(1, "the gate fails on the rule the fault newly breaks: {0}", run);
        var schema = await JsonSchema.FromFileAsync(Repository.Specs("results.schema.json"));
        schema.Validate(await File.ReadAllTextAsync(Path.Combine(faulty, "results.json"))).Select(v => $"{v.Path}: {v.Kind}").Should().BeEmpty("results.json follows specs/results.schema.json");
        var baseline = ResultsFile.Load(faulty).Document["baseline"]!;
        baseline["regressions"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Equal([BrokenRule], "exactly the fault's rule newly fails");
        baseline["rules"]!.AsArray().Select(r => (r!["id"]!.GetValue<string>(), r["category"]!.GetValue<string>(), r["before"]!.GetValue<string>(), r["now"]!.GetValue<string>()))
            .Should().Equal([(BrokenRule, ComparisonCategories.NewFailure, Verdicts.Passed, Verdicts.Failed)], "the other rule passed both times and is only counted");
        baseline["counts"]![ComparisonCategories.Unchanged]!.GetValue<int>().Should().Be(1);
        run.StandardOutput.Should().Contain($"REGRESSION           {BrokenRule}");

        var summary = await File.ReadAllTextAsync(Path.Combine(faulty, "summary.md"));
        summary.Should().Contain("### Against the baseline: 1 regression(s)").And.Contain($"| `{BrokenRule}` | MUST | **regression** | passed | failed |");
        var junitBaseline = XDocument.Load(Path.Combine(faulty, "junit.xml")).Root!.Elements("testsuite").Single(s => (string?)s.Attribute("name") == "baseline");
        junitBaseline.Elements("testcase").Select(c => ((string)c.Attribute("name")!).Split(':')[0]).Should().Equal([BrokenRule]);
        junitBaseline.Elements("testcase").Single().Element("failure").Should().NotBeNull("a regression is a failing test case in CI's test view");
        var html = await File.ReadAllTextAsync(Path.Combine(faulty, "index.html"));
        html.Should().Contain("<section id=\"baseline\">").And.Contain($"<tr data-category=\"new-failure\" class=\"regression\"><td><a href=\"#rule-{BrokenRule}\">");

        var againstItself = await ChildProcess.RunRunnerAsync("compare", faulty, faulty, "--fail-on", "regressions");
        againstItself.ExitCode.Should().Be(0, "a failing rule that failed in the baseline too is no regression: {0}", againstItself);
        againstItself.StandardOutput.Should().Contain($"still failing        {BrokenRule}");
        var conformance = await ChildProcess.RunRunnerAsync("compare", faulty, faulty);
        conformance.ExitCode.Should().Be(1, "without --fail-on regressions compare exits as the run did: a MUST rule failed");
        var gate = await ChildProcess.RunRunnerAsync("compare", clean, faulty, "--fail-on", "regressions");
        gate.ExitCode.Should().Be(1, "compare gates like --baseline does: {0}", gate);
        gate.StandardOutput.Should().Contain($"REGRESSION           {BrokenRule} (MUST): passed -> failed");

        // A baseline of another catalogue: the clean run's results without one of its rules.
        var otherCatalogue = Path.Combine(TempDirectory.Create("baseline-other-catalogue"), "results.json");
        var edited = ResultsFile.Load(clean).Document;
        var rules = edited["rules"]!.AsArray();
        rules.Remove(rules.Single(r => r!["id"]!.GetValue<string>() == "TAGS-CLEAR"));
        await File.WriteAllTextAsync(otherCatalogue, edited.ToJsonString());
        var mismatch = await ChildProcess.RunRunnerAsync("compare", otherCatalogue, faulty);
        mismatch.ExitCode.Should().Be(2, "{0}", mismatch);
        mismatch.StandardError.Should().Contain("comes from another rules catalogue").And.Contain("TAGS-CLEAR");
    }

    /// <summary>Every changed rule is listed in each report, and only a regression fails a JUnit case.</summary>
    [Test]
    public void The_reports_list_fixed_still_failing_and_newly_inconclusive_rules_and_fail_only_the_regression()
    {
        var report = new SyntheticReport()
            .Test("TAGS-REPLACE", Verdicts.Failed)
            .Test("TAGS-CLEAR", Verdicts.Passed)
            .Test("TAGS-BY-NAME", Verdicts.Failed)
            .Test("TAGS-UNKNOWN-NAME", Verdicts.Inconclusive, message: "precondition: no tag")
            .Build();
        var before = new RecordedRun("/runs/4.1/results.json", "http://prod/", "2026-11-01T08:00:00Z", false,
        [
            new RecordedRule("TAGS-REPLACE", "MUST", "", Verdicts.Passed),
            new RecordedRule("TAGS-CLEAR", "MUST", "", Verdicts.Failed),
            new RecordedRule("TAGS-BY-NAME", "MUST", "", Verdicts.Failed),
            new RecordedRule("TAGS-UNKNOWN-NAME", "MUST", "", Verdicts.Passed),
        ]);
        report = report with { Baseline = BaselineComparison.Of(before, report) };

        var json = JsonNode.Parse(ResultsJsonWriter.Render(report))!["baseline"]!;
        var summary = SummaryMarkdownWriter.Render(report);
        var html = HtmlReportWriter.Render(report);
        var junit = XDocument.Parse(JunitWriter.Render(report)).Root!.Elements("testsuite").Single(s => (string?)s.Attribute("name") == "baseline");

        json["rules"]!.AsArray().Select(r => $"{r!["id"]} {r["category"]}").Should().Equal(
            "TAGS-REPLACE new-failure", "TAGS-UNKNOWN-NAME newly-inconclusive", "TAGS-BY-NAME still-failing", "TAGS-CLEAR fixed");
        json["regressions"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Equal("TAGS-REPLACE");
        foreach (var line in new[] { "| `TAGS-REPLACE` | MUST | **regression** | passed | failed |", "| `TAGS-UNKNOWN-NAME` | SHOULD | newly inconclusive | passed | inconclusive |", "| `TAGS-BY-NAME` | MUST | still failing | failed | failed |", "| `TAGS-CLEAR` | MUST | fixed | failed | passed |" })
        {
            summary.Should().Contain(line);
        }

        html.Should().Contain("<a href=\"#baseline\">1 regression(s)</a>", "the banner links the section").And.Contain("<tr data-category=\"fixed\"><td><a href=\"#rule-TAGS-CLEAR\">");
        junit.Elements("testcase").Should().HaveCount(4);
        junit.Elements("testcase").Where(c => c.Element("failure") is not null).Select(c => ((string)c.Attribute("name")!).Split(':')[0]).Should().Equal("TAGS-REPLACE");
        ((int)junit.Attribute("failures")!).Should().Be(1);
    }

    [Test]
    public async Task A_baseline_that_is_not_a_results_json_stops_the_run_before_it_starts_with_exit_2()
    {
        var folder = TempDirectory.Create("baseline-not-results");
        var coverage = Path.Combine(folder, "spec-coverage.json");
        await File.WriteAllTextAsync(coverage, """{ "summary": { "operations": { "covered": 1, "total": 1 } } }""");

        var run = await ChildProcess.RunRunnerAsync("--rule", Rules, "--baseline", coverage, "--out", Path.Combine(folder, "run"));

        run.ExitCode.Should().Be(2, "{0}", run);
        run.StandardError.Should().Contain($"configuration error: --baseline: {coverage} is not a results.json of this suite");
        run.StandardOutput.Should().NotContain("Started the embedded reference server", "the baseline is read before anything starts");
    }

    [TestCase("not json at all", "is not a results.json: it is not JSON")]
    [TestCase("""{ "schema": "anomalies-conformance/results/v1" }""", "is not a complete results.json: it has no \"rules\" list")]
    [TestCase("""{ "schema": "anomalies-conformance/results/v1", "rules": [ { "id": "TAGS-REPLACE", "verdict": "great" } ] }""", "rules[0] needs an \"id\" and a \"verdict\"")]
    [TestCase("""[1, 2]""", "is not a results.json of this suite")]
    public void A_file_that_is_not_a_results_json_is_a_configuration_error_saying_why(string content, string expected)
    {
        var file = Path.Combine(TempDirectory.Create("baseline-bad"), "results.json");
        File.WriteAllText(file, content);

        var load = () => RecordedRun.Load(file, "--baseline");

        load.Should().Throw<ConfigurationException>().WithMessage($"--baseline: {file} *{expected}*");
    }

    [Test]
    public void A_missing_baseline_is_a_configuration_error()
    {
        var missing = Path.Combine(TempDirectory.Create("baseline-missing"), "nothing");

        var load = () => RecordedRun.Load(missing, "--baseline");

        load.Should().Throw<ConfigurationException>().WithMessage($"--baseline: {missing} does not exist*");
    }
}
