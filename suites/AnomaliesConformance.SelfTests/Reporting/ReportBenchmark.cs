using System.Diagnostics;
using System.Globalization;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using Microsoft.Playwright;
using NUnit.Framework;
using AnomaliesConformance.Runner.Reporting;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.SelfTests.Reporting;

/// <summary>
/// How the HTML report scales: a made-up run of 10,000 results (one in twenty failing, each failure with
/// four exchanges) rendered in Chromium, timed against a 100-result report rendered in the same
/// invocation. Speed is reported as that ratio (and the raw milliseconds), never asserted: a shared
/// two-core machine makes absolute times noise. The file size is asserted. Not part of run-tests.sh:
///   dotnet test suites/AnomaliesConformance.SelfTests --filter TestCategory=Benchmark
/// Results: reports/benchmark/results.txt.
/// </summary>
[Explicit("a benchmark, run on demand")]
[Category("Benchmark")]
[NonParallelizable]
public sealed class ReportBenchmark
{
    private const int Results = 10_000;
    private const int BaselineResults = 100;
    private const int Rounds = 5;
    private const long MaxBytes = 10L * 1024 * 1024;

    [Test]
    public async Task Ten_thousand_results_render_in_chromium_and_stay_under_ten_megabytes()
    {
        Chromium.RequireOrSkip();
        var output = Path.Combine(Repository.Root, "reports", "benchmark");
        var baseline = Write(SyntheticReport.Large(BaselineResults), Path.Combine(output, "baseline"));
        var large = Write(SyntheticReport.Large(Results), Path.Combine(output, "large"));
        var (playwright, browser) = await Chromium.LaunchAsync();
        try
        {
            // Alternate the two pages so both see the same machine load.
            var baselineTimes = new List<double>();
            var largeTimes = new List<double>();
            await RenderAsync(browser, baseline); // warm-up: Chromium's first page pays for its own start
            for (var round = 0; round < Rounds; round++)
            {
                baselineTimes.Add(await RenderAsync(browser, baseline));
                largeTimes.Add(await RenderAsync(browser, large));
            }

            var size = new FileInfo(large).Length;
            var lines = new[]
            {
                $"HTML report benchmark, {DateTime.UtcNow:u}, Chromium {browser.Version}, median of {Rounds} rounds",
                $"  {BaselineResults,6} results: {Median(baselineTimes),8:0} ms to load and paint, {new FileInfo(baseline).Length / 1024.0,8:0} KiB",
                $"  {Results,6} results: {Median(largeTimes),8:0} ms to load and paint, {size / 1024.0,8:0} KiB",
                $"  ratio (large / baseline): {Median(largeTimes) / Median(baselineTimes):0.0}",
            };
            await File.WriteAllLinesAsync(Path.Combine(output, "results.txt"), lines);
            foreach (var line in lines)
            {
                await TestContext.Out.WriteLineAsync(line.ToString(CultureInfo.InvariantCulture));
            }

            size.Should().BeLessThan(MaxBytes, "a report of {0} results stays under 10 MB", Results);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    private static string Write(SyntheticReport report, string directory)
    {
        ReportSet.Write(report.Build(), directory, new Redactor());
        return Path.Combine(directory, "index.html");
    }

    /// <summary>Milliseconds from navigation until the load event has fired and two frames were painted.</summary>
    private static async Task<double> RenderAsync(IBrowser browser, string file)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } });
        var page = await context.NewPageAsync();
        var clock = Stopwatch.StartNew();
        await page.GotoAsync(new Uri(file).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load, Timeout = 60_000 });
        await page.EvaluateAsync("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))");
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
