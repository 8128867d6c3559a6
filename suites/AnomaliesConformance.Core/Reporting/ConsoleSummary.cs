using AnomaliesConformance.Core.Running;

namespace AnomaliesConformance.Core.Reporting;

/// <summary>The end-of-run summary on the console: verdict, counts, failing rules, where the report is.</summary>
public static class ConsoleSummary
{
    public static void Write(RunReport report, TextWriter console, string reportDirectory)
    {
        console.WriteLine();
        console.WriteLine(report.Conformant ? "VERDICT: CONFORMANT (every checked MUST rule passed)" : "VERDICT: NOT CONFORMANT");
        console.WriteLine($"  MUST rules passed:   {report.PassRate("MUST")}");
        console.WriteLine($"  SHOULD rules passed: {report.PassRate("SHOULD")}");
        console.WriteLine($"  rules:  {report.RuleCount(Verdicts.Passed)} passed, {report.RuleCount(Verdicts.Failed)} failed, {report.RuleCount(Verdicts.Inconclusive)} inconclusive, {report.RuleCount(Verdicts.Skipped)} not checked");
        console.WriteLine($"  tests:  {report.TestCount(Verdicts.Passed)} passed, {report.TestCount(Verdicts.Failed)} failed, {report.TestCount(Verdicts.TargetError)} target errors, {report.TestCount(Verdicts.Skipped) + report.TestCount(Verdicts.Inconclusive)} skipped or inconclusive");
        var warnings = report.Tests.Sum(t => t.Warnings.Count);
        if (warnings > 0)
        {
            console.WriteLine($"  warnings: {warnings} (listed in results.json; --strict-schema makes undocumented properties fail)");
        }

        foreach (var rule in report.Rules.Where(r => r.Verdict is Verdicts.Failed or Verdicts.Inconclusive))
        {
            console.WriteLine($"  {rule.Verdict.ToUpperInvariant(),-12} {rule.Rule.Id} ({rule.Rule.Level}): {rule.Rule.Summary}");
        }

        foreach (var unknown in report.UnknownRuleIds)
        {
            console.WriteLine($"  SUITE DEFECT: tests name rule {unknown}, which specs/rules.yaml does not define");
        }

        console.WriteLine($"Report: {Path.Combine(reportDirectory, "index.html")} (also results.json, junit.xml, exchanges.ndjson)");
    }
}
