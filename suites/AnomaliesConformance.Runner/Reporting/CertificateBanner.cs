using System.Net;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Runner.Reporting;

/// <summary>The certificate's line in the HTML banner (the badge inline, or why there is none) and in summary.md.</summary>
public static class CertificateBanner
{
    /// <summary>The MUST rules that passed, and those judged (observations are not), as the badge counts them.</summary>
    public static (int Passed, int Judged) MustCounts(RunReport report) =>
        (report.RuleCount("MUST", Verdicts.Passed), report.Rules.Count(r => r.Rule.IsMust && r.Verdict != Verdicts.Skipped));

    public static void Row(RunReport report, Action<string, string> row)
    {
        if (report.Certification is not { } certification)
        {
            return;
        }

        if (!certification.Certified)
        {
            row("Certificate", WebUtility.HtmlEncode(certification.Explanation));
            return;
        }

        var (passed, judged) = MustCounts(report);
        // Inline, not <img src="badge.svg">: the page fetches nothing.
        row("Certificate", $"<span class=\"badge\">{Badge.Svg(passed, judged).Trim()}</span> " +
            $"<a href=\"{Certificate.FileName}\">{Certificate.FileName}</a> and <a href=\"{Certificate.BadgeFileName}\">{Certificate.BadgeFileName}</a>; " +
            $"check them with <code>verify {Certificate.FileName} results.json</code>");
    }

    public static string? MarkdownLine(RunReport report) => report.Certification switch
    {
        null => null,
        { Certified: false } certification => certification.Explanation + ".",
        _ => $"Certificate: `{Certificate.FileName}` and `{Certificate.BadgeFileName}` ({Badge.Text(MustCounts(report).Passed, MustCounts(report).Judged)}); " +
            $"check them with `./run-conformance.sh verify {Certificate.FileName} results.json`.",
    };
}
