using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core;

namespace AnomaliesConformance.Runner.Reporting;

/// <summary>
/// Writes every report file of a run into its folder. The one door to the disk for reports: the model is
/// redacted before rendering and each finished text is redacted again before it is written.
/// </summary>
public static class ReportSet
{
    public const string SpecCoveragePage = "spec-coverage/index.html";
    public const string ServerCoveragePage = "server-coverage/index.html";

    public static readonly IReadOnlyList<(string File, Func<RunReport, string> Render)> Writers =
    [
        ("results.json", ResultsJsonWriter.Render),
        ("junit.xml", JunitWriter.Render),
        ("results.trx", TrxWriter.Render),
        ("summary.md", SummaryMarkdownWriter.Render),
        ("index.html", HtmlReportWriter.Render),
    ];

    /// <summary>Writes the files and answers the redacted report they were rendered from.</summary>
    public static RunReport Write(RunReport report, string directory, Redactor redactor)
    {
        Directory.CreateDirectory(directory);
        report = ReportRedaction.Redact(report, redactor) with
        {
            SpecCoveragePage = SpecCoverageLink.For(directory),
            ServerCoveragePage = File.Exists(Path.Combine(directory, ServerCoveragePage)) ? ServerCoveragePage : null,
        };
        foreach (var (file, render) in Writers)
        {
            File.WriteAllText(Path.Combine(directory, file), redactor.Redact(render(report)));
        }

        return report;
    }
}
