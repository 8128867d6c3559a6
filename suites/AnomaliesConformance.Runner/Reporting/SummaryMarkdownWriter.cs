using System.Globalization;
using System.Text;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core;

namespace AnomaliesConformance.Runner.Reporting;

/// <summary>
/// Renders summary.md, short enough for a CI job summary (e.g. appended to $GITHUB_STEP_SUMMARY): the
/// verdict, counts per level, the failing rules with their tests, stale waivers, and where the full report is.
/// </summary>
public static class SummaryMarkdownWriter
{
    private const int MaxListedRows = 50;

    public static string Render(RunReport report)
    {
        var md = new StringBuilder();
        md.AppendLine(report.Shard is { } part ? $"## Anomalies API conformance, {part.Verdict(report.Conformant)}"
            : report.Conformant
            ? "## Anomalies API conformance: CONFORMANT"
            : "## Anomalies API conformance: NOT CONFORMANT");
        md.AppendLine();
        md.AppendLine(report.Shard is not null ? "A shard's verdict speaks only for the rules judged in it."
            : report.Conformant
            ? "Every checked MUST rule passed."
            : "MUST rules failed or could not be judged.");
        md.AppendLine();
        md.AppendLine($"Target `{report.Target}`, spec version {report.SpecVersion}, seed {report.Seed.ToString(CultureInfo.InvariantCulture)}, {report.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s" +
            (report.Faults.Count > 0 ? $", reference faults on: {string.Join(", ", report.Faults)}" : "") + ".");
        md.AppendLine();
        if (report.Shard is { } shard)
        {
            md.AppendLine($"**{char.ToUpperInvariant(shard.Explain()[0])}{shard.Explain()[1..]}.**").AppendLine();
        }

        md.AppendLine("| | passed | failed | skipped | inconclusive | waived |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var level in new[] { "MUST", "SHOULD" })
        {
            md.AppendLine($"| {level} rules ({report.PassRate(level)} passed) | {report.RuleCount(level, Verdicts.Passed)} | {report.RuleCount(level, Verdicts.Failed)} | {report.RuleCount(level, Verdicts.Skipped)} | {report.RuleCount(level, Verdicts.Inconclusive)} | {report.RuleCount(level, Verdicts.Waived)} |");
        }

        md.AppendLine($"| tests | {report.TestCount(Verdicts.Passed)} | {report.TestCount(Verdicts.Failed) + report.TestCount(Verdicts.TargetError)} | {report.TestCount(Verdicts.Skipped)} | {report.TestCount(Verdicts.Inconclusive)} | {report.TestCount(Verdicts.Waived)} |");
        md.AppendLine();

        if (report.Findings.MissingFixtures.Count > 0)
        {
            var judged = report.Rules.Count(r => r.Verdict is Verdicts.Passed or Verdicts.Failed);
            md.AppendLine($"### Missing fixtures: {judged} of {report.Rules.Count} rules judged");
            md.AppendLine();
            md.AppendLine("| missing | checks | rules it would judge |");
            md.AppendLine("|---|---:|---|");
            foreach (var line in MissingFixtureSummary.Of(report.Findings.MissingFixtures, report.Tests))
            {
                md.AppendLine($"| {Cell(line.Missing)} | {line.Checks} | {Cell(line.RulesItWouldJudge.Count == 0 ? "none more" : string.Join(", ", line.RulesItWouldJudge))} |");
            }

            md.AppendLine();
        }

        var failing = report.Rules.Where(r => r.Verdict is Verdicts.Failed or Verdicts.Inconclusive).ToList();
        if (failing.Count > 0)
        {
            md.AppendLine("### Rules that failed or could not be judged");
            md.AppendLine();
            md.AppendLine("| rule | level | verdict | what a conforming server does | failing tests |");
            md.AppendLine("|---|---|---|---|---|");
            foreach (var rule in failing.Take(MaxListedRows))
            {
                var tests = rule.Tests.Where(t => t.Verdict is Verdicts.Failed or Verdicts.TargetError or Verdicts.Inconclusive).Select(t => t.Name);
                md.AppendLine($"| `{rule.Rule.Id}` | {rule.Rule.Level} | {rule.Verdict} | {Cell(rule.Rule.Summary)} | {Cell(string.Join(", ", tests))} |");
            }

            if (failing.Count > MaxListedRows)
            {
                md.AppendLine($"| … | | | {failing.Count - MaxListedRows} more in the full report | |");
            }

            md.AppendLine();
        }

        if (report.Baseline is { } baseline)
        {
            md.AppendLine($"### Against the baseline: {baseline.Regressions.Count} regression(s)");
            md.AppendLine();
            md.AppendLine($"Baseline `{baseline.Baseline}` (target `{baseline.BaselineTarget}`, started {baseline.BaselineStarted}): {baseline.Counts()}.");
            md.AppendLine();
            if (baseline.Changes.Count > 0)
            {
                md.AppendLine("| rule | level | change | baseline | now |");
                md.AppendLine("|---|---|---|---|---|");
                foreach (var rule in baseline.Changes.Take(MaxListedRows))
                {
                    md.AppendLine($"| `{rule.Rule}` | {rule.Level} | {(rule.Regression ? "**regression**" : ComparisonCategories.Describe(rule.Category))} | {rule.Before} | {rule.Now} |");
                }

                if (baseline.Changes.Count > MaxListedRows)
                {
                    md.AppendLine($"| … | | {baseline.Changes.Count - MaxListedRows} more in the full report | | |");
                }

                md.AppendLine();
            }
        }

        var stale = report.Waivers.Where(w => w.IsStale).ToList();
        if (stale.Count > 0)
        {
            md.AppendLine("### Stale waivers");
            md.AppendLine();
            foreach (var waiver in stale)
            {
                md.AppendLine($"- `{waiver.Waiver.Id}` ({waiver.Waiver.Rule}, owner {Cell(waiver.Waiver.Owner)}): {Cell(waiver.Explanation)}");
            }

            md.AppendLine();
        }

        if (report.SpecDrift is { } drift)
        {
            md.AppendLine($"### OpenAPI drift: {drift.Items.Count} difference(s)");
            md.AppendLine();
            md.AppendLine($"The target's description `{drift.TargetDocument}` compared with `{drift.ComparedWith}` (information, not a verdict).");
            md.AppendLine();
            if (drift.Items.Count > 0)
            {
                md.AppendLine("| kind | where | what | only in |");
                md.AppendLine("|---|---|---|---|");
                foreach (var item in drift.Items.Take(MaxListedRows))
                {
                    md.AppendLine($"| {item.Kind} | `{Cell(item.Where)}` | `{Cell(item.Name)}` | {item.OnlyIn} |");
                }

                if (drift.Items.Count > MaxListedRows)
                {
                    md.AppendLine($"| … | {drift.Items.Count - MaxListedRows} more in the full report | | |");
                }

                md.AppendLine();
            }
        }

        if (report.UnknownRuleIds.Count > 0)
        {
            md.AppendLine($"Suite defect: tests name rules missing from specs/rules.yaml: {string.Join(", ", report.UnknownRuleIds)}.");
            md.AppendLine();
        }

        if (CertificateBanner.MarkdownLine(report) is { } certificate)
        {
            md.AppendLine(certificate);
            md.AppendLine();
        }

        md.AppendLine($"Full report: `index.html` beside this file (also `results.json`, `junit.xml`, `results.trx`, `exchanges.ndjson`). " +
            $"Spec coverage: {(report.SpecCoveragePage is null ? "not produced by this run" : $"`{report.SpecCoveragePage}`")}. " +
            $"Reproduce: `./run-conformance.sh --seed {report.Seed.ToString(CultureInfo.InvariantCulture)}" +
            (report.Faults.Count > 0 ? $" --reference-fault {string.Join(",", report.Faults)}" : "") + "`.");
        return md.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
