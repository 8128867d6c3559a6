using System.Globalization;
using System.Xml.Linq;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core;

namespace AnomaliesConformance.Runner.Reporting;

/// <summary>
/// Renders junit.xml: one test case per check, the rule id leading its name, failures with their narrative
/// (rule, doc sentence, role, request and response, curl). Waived and inconclusive checks are skipped cases
/// whose message says why, since JUnit has no such outcomes.
/// </summary>
public static class JunitWriter
{
    public static string Render(RunReport report)
    {
        var suites = report.Tests
            .GroupBy(t => t.Fixture)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(group => new XElement(
                "testsuite",
                new XAttribute("name", group.Key),
                new XAttribute("tests", group.Count()),
                new XAttribute("failures", group.Count(t => t.Verdict is Verdicts.Failed)),
                new XAttribute("errors", group.Count(t => t.Verdict is Verdicts.TargetError)),
                new XAttribute("skipped", group.Count(t => t.Verdict is Verdicts.Skipped or Verdicts.Inconclusive or Verdicts.Waived)),
                new XAttribute("time", Seconds(group.Sum(t => t.DurationSeconds))),
                group.Select(test => Case(test, report))));
        var baseline = report.Baseline is null ? null : BaselineSuite(report.Baseline);
        var root = new XElement(
            "testsuites",
            new XAttribute("name", "Anomalies API conformance"),
            new XAttribute("tests", report.Tests.Count + (report.Baseline?.Changes.Count ?? 0)),
            new XAttribute("failures", report.TestCount(Verdicts.Failed) + (report.Baseline?.Regressions.Count ?? 0)),
            new XAttribute("errors", report.TestCount(Verdicts.TargetError)),
            new XAttribute("time", Seconds(report.Duration.TotalSeconds)),
            suites,
            baseline);
        return Xml.ToText(new XDocument(new XDeclaration("1.0", "utf-8", null), root));
    }

    private static XElement Case(TestOutcome test, RunReport report)
    {
        var element = new XElement(
            "testcase",
            new XAttribute("name", $"{string.Join(",", test.Rules)}: {test.Name}"),
            new XAttribute("classname", test.Fixture),
            new XAttribute("time", Seconds(test.DurationSeconds)));
        switch (test.Verdict)
        {
            case Verdicts.Failed:
                element.Add(new XElement("failure", new XAttribute("message", FirstLine(test.Message)), FailureNarrative.For(test, report)));
                break;
            case Verdicts.TargetError:
                element.Add(new XElement("error", new XAttribute("message", FirstLine(test.Message)), FailureNarrative.For(test, report)));
                break;
            case Verdicts.Skipped or Verdicts.Inconclusive or Verdicts.Waived:
                element.Add(new XElement("skipped", new XAttribute("message", $"{test.Verdict}: {test.Message}")));
                break;
            case Verdicts.Passed when test.Retries > 0:
                element.Add(new XElement("system-out", test.Message));
                break;
        }

        return element;
    }

    /// <summary>
    /// The comparison with --baseline as a test suite of its own: one case per changed rule, failing for a
    /// regression, so a CI's test view shows what got worse beside the checks.
    /// </summary>
    private static XElement BaselineSuite(BaselineComparison baseline) => new(
        "testsuite",
        new XAttribute("name", "baseline"),
        new XAttribute("tests", baseline.Changes.Count),
        new XAttribute("failures", baseline.Regressions.Count),
        new XAttribute("errors", 0),
        new XAttribute("skipped", 0),
        new XAttribute("time", Seconds(0)),
        baseline.Changes.Select(rule =>
        {
            var change = $"{ComparisonCategories.Describe(rule.Category)}: {rule.Before} in the baseline, {rule.Now} now";
            var element = new XElement("testcase", new XAttribute("name", $"{rule.Rule}: {change}"), new XAttribute("classname", "baseline"), new XAttribute("time", Seconds(0)));
            element.Add(rule.Regression
                ? new XElement("failure", new XAttribute("message", $"regression: {rule.Rule} ({rule.Level}) {change}"), $"{rule.Summary}\nBaseline: {baseline.Baseline}")
                : new XElement("system-out", change));
            return element;
        }));

    private static string FirstLine(string? message) => (message ?? "").Split('\n')[0].Trim();

    private static string Seconds(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
