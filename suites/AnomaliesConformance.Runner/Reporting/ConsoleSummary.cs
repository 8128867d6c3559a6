using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core;

namespace AnomaliesConformance.Runner.Reporting;

/// <summary>The end-of-run summary on the console: verdict, a table of counts, failing rules, stale waivers, where the report is.</summary>
public static class ConsoleSummary
{
    private const int MaxListedRules = 40;

    public static void Write(RunReport report, TextWriter console, string reportDirectory)
    {
        console.WriteLine();
        console.WriteLine(report.Shard is { } shard ? "VERDICT OF " + shard.Verdict(report.Conformant).ToUpperInvariant()
            : report.Conformant ? "VERDICT: CONFORMANT (every checked MUST rule passed)" : "VERDICT: NOT CONFORMANT");
        console.WriteLine($"  {"",-14} {"passed",7} {"failed",7} {"skipped",8} {"inconcl.",9} {"waived",7}  pass rate");
        foreach (var level in new[] { "MUST", "SHOULD" })
        {
            console.WriteLine($"  {level + " rules",-14} {report.RuleCount(level, Verdicts.Passed),7} {report.RuleCount(level, Verdicts.Failed),7} {report.RuleCount(level, Verdicts.Skipped),8} {report.RuleCount(level, Verdicts.Inconclusive),9} {report.RuleCount(level, Verdicts.Waived),7}  {report.PassRate(level)}");
        }

        console.WriteLine($"  {"tests",-14} {report.TestCount(Verdicts.Passed),7} {report.TestCount(Verdicts.Failed),7} {report.TestCount(Verdicts.Skipped),8} {report.TestCount(Verdicts.Inconclusive),9} {report.TestCount(Verdicts.Waived),7}" +
            (report.TestCount(Verdicts.TargetError) > 0 ? $"  + {report.TestCount(Verdicts.TargetError)} target errors" : ""));
        console.WriteLine($"  requests: {report.RequestsSent} sent ({report.CheckRequests} by the checks, the rest in setup and teardown)");
        if (report.TotalRetries > 0)
        {
            console.WriteLine($"  retries: {report.TotalRetries} request(s) sent again after a 429, a 503 or a lost answer ({report.Tests.Count(t => t.Retries > 0)} tests, {report.SetupRetries} during setup)");
        }

        var warnings = report.Tests.Sum(t => t.Warnings.Count);
        if (warnings > 0)
        {
            console.WriteLine($"  warnings: {warnings} (listed in results.json; --strict-schema makes undocumented properties fail)");
        }

        var listed = report.Rules.Where(r => r.Verdict is Verdicts.Failed or Verdicts.Inconclusive).ToList();
        foreach (var rule in listed.Take(MaxListedRules))
        {
            console.WriteLine($"  {rule.Verdict.ToUpperInvariant(),-12} {rule.Rule.Id} ({rule.Rule.Level}): {rule.Rule.Summary}");
        }

        if (listed.Count > MaxListedRules)
        {
            console.WriteLine($"  ... and {listed.Count - MaxListedRules} more in the report");
        }

        foreach (var waiver in report.Waivers.Where(w => w.IsStale))
        {
            console.WriteLine($"  STALE WAIVER {waiver.Waiver.Id} ({waiver.Waiver.Rule}): {waiver.Explanation}");
        }

        if (report.SpecDrift is { } drift)
        {
            console.WriteLine($"  OpenAPI drift: {drift.Items.Count} difference(s) between the target's description and {Path.GetFileName(drift.ComparedWith)} (information, not a verdict; listed in results.json and index.html)");
        }

        if (report.Baseline is { } baseline)
        {
            WriteBaseline(baseline, console);
        }

        if (report.Canary is { } canary)
        {
            console.WriteLine(canary.Unchanged
                ? $"  canary anomaly {canary.Anomaly}: unchanged"
                : $"  CANARY CHANGED: anomaly {canary.Anomaly} differs after the run; the run touched data it was not given");
        }

        foreach (var unknown in report.UnknownRuleIds)
        {
            console.WriteLine($"  SUITE DEFECT: tests name rule {unknown}, which specs/rules.yaml does not define");
        }

        console.WriteLine($"Report: {Path.Combine(reportDirectory, "index.html")} (also summary.md, results.json, junit.xml, results.trx, exchanges.ndjson)");
    }

    /// <summary>The comparison with a baseline run: the counts, then every changed rule (a regression in capitals).</summary>
    public static void WriteBaseline(BaselineComparison baseline, TextWriter console)
    {
        console.WriteLine($"  against the baseline {baseline.Baseline} ({baseline.BaselineTarget}, {baseline.BaselineStarted}): {baseline.Counts()}");
        foreach (var rule in baseline.Changes)
        {
            var label = rule.Regression ? "REGRESSION" : ComparisonCategories.Describe(rule.Category);
            console.WriteLine($"    {label,-20} {rule.Rule} ({rule.Level}): {rule.Before} -> {rule.Now}");
        }
    }
}
