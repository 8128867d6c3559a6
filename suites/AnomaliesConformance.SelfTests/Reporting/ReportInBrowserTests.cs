using System.Collections.Concurrent;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using Microsoft.Playwright;
using NUnit.Framework;

namespace AnomaliesConformance.SelfTests.Reporting;

/// <summary>
/// The HTML report of a real run with a fault on, opened in headless Chromium the way a release engineer
/// would: find the failing rule, open the failure, read its curl line; with no request leaving the page.
/// The screenshot lands in reports/browser-check/ for a person to look at.
/// </summary>
[NonParallelizable] // One Chromium at a time: it is the heaviest process of the self-tests on two cores.
public sealed class ReportInBrowserTests
{
    private const string Fault = "assignees-append";
    private const string FailingRule = "ASSIGNEES-REPLACE";

    private static readonly string Output = Path.Combine(Repository.Root, "reports", "browser-check");
    private static string ReportUrl => new Uri(Path.Combine(Output, "index.html")).AbsoluteUri;

    private IPlaywright? playwright;
    private IBrowser? browser;

    [OneTimeSetUp]
    public async Task RunTheSuiteWithAFaultAndStartChromium()
    {
        Chromium.RequireOrSkip();
        if (Directory.Exists(Output))
        {
            Directory.Delete(Output, recursive: true);
        }

        var run = await ChildProcess.RunRunnerAsync("--reference-fault", Fault, "--out", Output, "--seed", "4242");
        run.ExitCode.Should().Be(1, "the fault breaks a MUST rule: {0}", run);
        (playwright, browser) = await Chromium.LaunchAsync();
    }

    [OneTimeTearDown]
    public async Task StopChromium()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
    }

    [Test]
    public async Task A_reader_finds_the_failing_rule_opens_its_failure_and_reads_the_curl_line_and_no_request_leaves_the_page()
    {
        await using var context = await browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } });
        var page = await context.NewPageAsync();
        var requests = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<string>();
        page.Request += (_, request) => requests.Enqueue(request.Url);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Enqueue(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Enqueue(error);

        await page.GotoAsync(ReportUrl);

        (await page.Locator("header.banner h1").InnerTextAsync()).Should().StartWith("Not conformant");
        await page.Locator("#filters select[name=verdict]").SelectOptionAsync("failed");
        var failedRuleRows = page.Locator("#rules tr[data-filterable]:visible");
        (await failedRuleRows.CountAsync()).Should().Be(1, "only the rule the fault breaks is failed");
        // TextContent, not InnerText: rows scrolled out of view are not rendered (content-visibility: auto) and have no inner text.
        (await failedRuleRows.First.TextContentAsync()).Should().Contain(FailingRule);

        var failure = page.Locator("details.failure").First;
        var curl = failure.Locator("pre.curl").First;
        (await curl.IsVisibleAsync()).Should().BeFalse("failures start closed, one line each");
        await failure.Locator("summary").First.ClickAsync();
        (await curl.IsVisibleAsync()).Should().BeTrue("a click opens the failure");
        var curlLine = await curl.InnerTextAsync();
        curlLine.Should().MatchRegex(@"^curl -sS -X (PUT|PATCH) 'http://127\.0\.0\.1:\d+/api/anomalies[^']*' -H ""Authorization: Bearer \$TOKEN_[A-Z_]+""");
        // The failure leads with what was expected against what was observed; the assertion's own text sits closed behind it.
        (await failure.InnerTextAsync()).Should().Contain("Role used:").And.Contain("The page says:").And.MatchRegex(@"(?m)^assignee ids: expected \{[^}]*\}, observed \{[^}]*\}$").And.Contain("The assertion's full text");

        await failure.ScrollIntoViewIfNeededAsync();
        await page.EvaluateAsync("() => window.scrollBy(0, -120)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Output, "report-failure.png") });

        requests.Should().Equal([ReportUrl], "the report loads nothing but itself");
        errors.Should().BeEmpty("the page's script runs without errors or policy violations");
    }

    [Test]
    public async Task Without_javascript_every_failure_and_rule_is_still_there_and_the_filters_stay_hidden()
    {
        await using var context = await browser!.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false });
        var page = await context.NewPageAsync();

        await page.GotoAsync(ReportUrl);

        (await page.Locator("#filters").IsVisibleAsync()).Should().BeFalse("filters need the script");
        (await page.Locator("details.failure").CountAsync()).Should().BeGreaterThan(0);
        (await page.Locator("#failing-rules").InnerTextAsync()).Should().Contain(FailingRule);
        (await page.Locator("#rules tr[data-filterable]:visible").CountAsync()).Should().BeGreaterThan(100, "every catalogue rule is listed");
    }

    [Test]
    public async Task Filtering_by_area_and_level_hides_the_other_rules_and_their_area_headings()
    {
        await using var context = await browser!.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(ReportUrl);

        await page.Locator("#filters select[name=area]").SelectOptionAsync("assignees");
        await page.Locator("#filters select[name=level]").SelectOptionAsync("MUST");

        var rows = page.Locator("#rules tr[data-filterable]:visible");
        (await rows.CountAsync()).Should().BeGreaterThan(0);
        foreach (var row in await rows.AllAsync())
        {
            (await row.GetAttributeAsync("data-area")).Should().Be("assignees");
            (await row.GetAttributeAsync("data-level")).Should().Be("MUST");
        }

        (await page.Locator("#area-auth").IsVisibleAsync()).Should().BeFalse("an area with no matching rule is hidden");
        (await page.Locator("#shown").InnerTextAsync()).Should().MatchRegex(@"^\d+ of \d+ items shown$");
    }
}
