namespace AnomaliesConformance.Runner.Reporting;

/// <summary>
/// The banner's link to the run's spec coverage page. The runner writes spec-coverage.cobertura.xml, but
/// run-conformance.sh renders the page from it with ReportGenerator only after the runner has written the
/// reports, so asking whether the page exists always said "not produced". The link follows the Cobertura file
/// instead, and a placeholder page stands there until ReportGenerator replaces it: where the tool is missing
/// (or the runner ran without the script), the link still lands on a page that says why and where the data is.
/// </summary>
public static class SpecCoverageLink
{
    public const string CoberturaFile = "spec-coverage.cobertura.xml";

    public static string? For(string directory)
    {
        var page = Path.Combine(directory, ReportSet.SpecCoveragePage);
        if (File.Exists(page))
        {
            return ReportSet.SpecCoveragePage;
        }

        if (!File.Exists(Path.Combine(directory, CoberturaFile)))
        {
            return null;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(page)!);
        File.WriteAllText(page, """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>OpenAPI spec coverage: not rendered</title></head>
            <body><h1>OpenAPI spec coverage: not rendered</h1>
            <p>This run measured its spec coverage, but the page was not rendered: <code>run-conformance.sh</code> renders it
            with ReportGenerator (<code>dotnet tool restore</code> installs it) after the run, and replaces this page.</p>
            <p>The same data: <a href="../spec-coverage.json">spec-coverage.json</a> (every operation, parameter, enum value and
            response code, with its line and how many exchanges exercised it) and
            <a href="../spec-coverage.cobertura.xml">spec-coverage.cobertura.xml</a>.</p>
            <p><a href="../index.html">Back to the report</a></p>
            </body></html>

            """);
        return ReportSet.SpecCoveragePage;
    }
}
