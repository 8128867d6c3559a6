using System.Text.RegularExpressions;
using System.Xml.Linq;
using AnomaliesConformance.Core;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NJsonSchema;
using NUnit.Framework;
using AnomaliesConformance.Runner.Reporting;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.SelfTests.Reporting;

/// <summary>The report writers on made-up runs: every section, every file format, waivers, and secrets kept out.</summary>
[Parallelizable(ParallelScope.All)]
public sealed partial class ReportRenderingTests
{
    private static readonly DateOnly LongAfterTheRun = new(2027, 6, 30);

    private static SyntheticReport Mixed() => new SyntheticReport()
        .Test("ASSIGNEES-REPLACE", Verdicts.Failed, "Put_with_assignee_ids_replaces_the_whole_set")
        .Test("ASSIGNEES-REPLACE", Verdicts.Passed)
        .Test("AUTH-BEARER-REQUIRED", Verdicts.Passed)
        .Test("AUTH-MISSING-TOKEN", Verdicts.TargetError, message: "TARGET ERROR: GET /api/anomalies answered 200 with a body that is not JSON")
        .Permission("GET /api/anomalies/{id}", "member-reporter", "deny", "allow", 200)
        .Permission("GET /api/anomalies/{id}", "member-viewer", "allow", "allow", 200)
        .Permission("PUT /api/anomalies/{id}", "member-author", "allow", "allow", 200)
        .Observe("AUTH-MISSING-TOKEN", "A request without a token", "answered 403")
        .Warn("AUTH-BEARER-REQUIRED", "undocumented property 'etag' in the response");

    [Test]
    public void The_html_report_is_one_file_that_fetches_nothing_and_forbids_fetching()
    {
        var html = HtmlReportWriter.Render(Mixed().Build());

        html.Should().Contain("Content-Security-Policy").And.Contain("default-src 'none'");
        ExternalReference().Matches(html).Select(m => m.Value).Should().BeEmpty("styles and scripts are inline; nothing is loaded from elsewhere");
    }

    [Test]
    public void The_banner_gives_the_verdict_rates_target_spec_version_seed_duration_and_counts()
    {
        var html = HtmlReportWriter.Render(Mixed().Build());

        html.Should().Contain("Not conformant").And.Contain("MUST rules passed").And.Contain("SHOULD rules passed")
            .And.Contain("http://127.0.0.1:5000/").And.Contain("Spec version").And.Contain("4242").And.Contain("12.5 s");
        html.Should().Contain("<th>passed</th><th>failed</th><th>skipped</th><th>inconclusive</th><th>waived</th>");
        html.Should().Contain("Spec coverage</dt><dd>not produced by this run", "the run wrote no spec-coverage page");
    }

    [Test]
    public void A_failure_shows_the_rule_sentence_expected_versus_actual_role_curl_request_response_and_the_exchanges_before_it()
    {
        var report = Mixed().Build();
        var html = HtmlReportWriter.Render(report);
        var failure = html[html.IndexOf("<details class=\"failure\"", StringComparison.Ordinal)..];
        failure = failure[..failure.IndexOf("</details></li></ol></details>", StringComparison.Ordinal)];

        failure.Should().Contain("ASSIGNEES-REPLACE").And.Contain(System.Net.WebUtility.HtmlEncode(report.FindRule("ASSIGNEES-REPLACE")!.Sentence));
        failure.Should().Contain("Expected response.Status to be 200");
        failure.Should().Contain("Role used:</b> member-author (global role Member, team permission Author");
        failure.Should().Contain("<pre class=\"curl\">curl -sS -X PUT");
        failure.Should().Contain("<pre class=\"request\">").And.Contain("<pre class=\"response\">200");
        failure.Should().Contain("The exchanges of this test, in order</b> (3)").And.Contain("(the request under test)");
    }

    [Test]
    public void A_large_body_is_cut_in_the_page_and_says_how_big_it_was()
    {
        var html = HtmlReportWriter.Render(new SyntheticReport().Test("ASSIGNEES-REPLACE", Verdicts.Failed, responseBodyChars: 50_000).Build());

        html.Should().Contain("truncated: the body had 50,000 characters");
        html.Should().NotContain(new string('x', HtmlReportWriter.MaxBodyChars + 1));
    }

    [Test]
    public void Rules_are_grouped_by_area_with_level_sentence_verdict_and_tests_and_carry_the_filter_attributes()
    {
        var html = HtmlReportWriter.Render(Mixed().Build());

        html.Should().Contain("<h3 id=\"area-auth\">auth").And.Contain("<h3 id=\"area-assignees\">assignees");
        html.Should().Contain("data-verdict=\"failed\" data-level=\"MUST\" data-area=\"assignees\"");
        html.Should().Contain("<option>GET /api/anomalies/{id}</option>", "endpoints are a filter");
        Regex.Count(html, "<tr data-filterable data-verdict=").Should().Be(SyntheticReport.Catalogue.Rules.Count, "every catalogue rule has a row");
    }

    [Test]
    public void The_permission_matrix_puts_expected_beside_observed_and_highlights_mismatches()
    {
        var html = HtmlReportWriter.Render(Mixed().Build());
        var matrix = html[html.IndexOf("id=\"permission-matrix\"", StringComparison.Ordinal)..html.IndexOf("id=\"observations\"", StringComparison.Ordinal)];

        matrix.Should().Contain("<b>1 mismatch</b>");
        Regex.Count(matrix, "class=\"mismatch\"").Should().Be(1);
        matrix.Should().Contain("expected deny, observed allow (200) ✗").And.Contain("expected allow, observed allow (200)");
        matrix.Should().Contain("<th title=\"member-reporter (global role Member, team permission Reporter on the datastore)\">member-reporter</th>");
    }

    [Test]
    public void Observations_warnings_and_waivers_have_their_own_sections_and_empty_ones_say_so()
    {
        var full = HtmlReportWriter.Render(Mixed().Build());
        var empty = HtmlReportWriter.Render(new SyntheticReport().Test("AUTH-BEARER-REQUIRED", Verdicts.Passed).Build());

        full.Should().Contain("<h2>Observations (1)</h2>").And.Contain("answered 403").And.Contain("<h2>Warnings (1)</h2>").And.Contain("undocumented property");
        empty.Should().Contain("No check failed.").And.Contain("No test of this run recorded permission cells.")
            .And.Contain("<h2>Observations (0)</h2>").And.Contain("None recorded in this run.").And.Contain("No waivers were given");
        empty.Should().Contain("Conformant: every checked MUST rule passed");
    }

    [Test]
    public void A_waiver_turns_a_failing_rule_and_its_failing_tests_into_waived_and_keeps_the_run_conformant()
    {
        var report = new SyntheticReport()
            .Test("ASSIGNEES-REPLACE", Verdicts.Failed)
            .Test("AUTH-BEARER-REQUIRED", Verdicts.Passed)
            .Waive("W-1", "ASSIGNEES-REPLACE", LongAfterTheRun)
            .Build();

        report.Rules.Single(r => r.Rule.Id == "ASSIGNEES-REPLACE").Verdict.Should().Be(Verdicts.Waived);
        report.Tests.Single(t => t.Rules.Contains("ASSIGNEES-REPLACE")).Verdict.Should().Be(Verdicts.Waived);
        report.Conformant.Should().BeTrue("a waived MUST rule does not break conformance");
        report.Waivers.Single().State.Should().Be(WaiverStates.Applied);
        HtmlReportWriter.Render(report).Should().Contain("<td><code>W-1</code></td><td><code>ASSIGNEES-REPLACE</code></td><td><b>applied</b>");
        JunitWriter.Render(report).Should().Contain("<skipped message=\"waived: waived by W-1");
    }

    [Test]
    public void An_expired_waiver_is_not_applied_and_is_reported_stale()
    {
        var report = new SyntheticReport()
            .Test("ASSIGNEES-REPLACE", Verdicts.Failed)
            .Waive("W-OLD", "ASSIGNEES-REPLACE", new DateOnly(2026, 11, 19))
            .Build();

        report.Rules.Single(r => r.Rule.Id == "ASSIGNEES-REPLACE").Verdict.Should().Be(Verdicts.Failed);
        report.Conformant.Should().BeFalse();
        report.Waivers.Single().Should().Match<WaiverOutcome>(w => w.State == WaiverStates.Expired && w.IsStale);
        HtmlReportWriter.Render(report).Should().Contain("<tr class=\"stale\"><td><code>W-OLD</code>").And.Contain("expired (stale)");
        SummaryMarkdownWriter.Render(report).Should().Contain("### Stale waivers").And.Contain("`W-OLD`");
    }

    [Test]
    public void A_waiver_whose_rule_passes_now_is_reported_stale_and_the_waiver_on_an_unchecked_rule_is_not()
    {
        var report = new SyntheticReport()
            .Test("AUTH-BEARER-REQUIRED", Verdicts.Passed)
            .Waive("W-FIXED", "AUTH-BEARER-REQUIRED", LongAfterTheRun)
            .Waive("W-UNCHECKED", "ASSIGNEES-REPLACE", LongAfterTheRun)
            .Build();
        var console = new StringWriter();
        ConsoleSummary.Write(report, console, "/reports/latest");

        report.Waivers.Select(w => (w.Waiver.Id, w.State, w.IsStale)).Should().Equal(
            ("W-FIXED", WaiverStates.RulePasses, true), ("W-UNCHECKED", WaiverStates.NotChecked, false));
        report.Rules.Single(r => r.Rule.Id == "AUTH-BEARER-REQUIRED").Verdict.Should().Be(Verdicts.Passed);
        console.ToString().Should().Contain("STALE WAIVER W-FIXED (AUTH-BEARER-REQUIRED): rule AUTH-BEARER-REQUIRED passes now");
    }

    [Test]
    public void The_waiver_file_loads_and_a_wrong_entry_is_a_configuration_error_naming_the_waiver()
    {
        var directory = TempDirectory.Create("waivers");
        string Write(string text)
        {
            var path = Path.Combine(directory, Guid.NewGuid().ToString("n") + ".yaml");
            File.WriteAllText(path, text);
            return path;
        }

        var loaded = WaiverFile.Load(Write("""
            waivers:
              - id: W-1
                rule: ASSIGNEES-REPLACE
                reason: "vendor ticket ANOM-123"
                owner: release-team@example.com
                expires: 2027-01-31
            """), SyntheticReport.Catalogue);

        loaded.Should().Equal(new Waiver("W-1", "ASSIGNEES-REPLACE", "vendor ticket ANOM-123", "release-team@example.com", new DateOnly(2027, 1, 31)));
        FluentActions.Invoking(() => WaiverFile.Load(Write("waivers: [{id: W-2, rule: NO-SUCH-RULE, reason: r, owner: o, expires: 2027-01-01}]"), SyntheticReport.Catalogue))
            .Should().Throw<ConfigurationException>().WithMessage("*W-2*NO-SUCH-RULE is not in specs/rules.yaml*");
        FluentActions.Invoking(() => WaiverFile.Load(Write("waivers: [{id: W-3, rule: ASSIGNEES-REPLACE, reason: r, owner: o, expires: next week}]"), SyntheticReport.Catalogue))
            .Should().Throw<ConfigurationException>().WithMessage("*W-3*'expires' must be a date*");
        FluentActions.Invoking(() => WaiverFile.Load(Write("waivers: [{id: W-4, rule: ASSIGNEES-REPLACE, reason: r, expires: 2027-01-01}]"), SyntheticReport.Catalogue))
            .Should().Throw<ConfigurationException>().WithMessage("*W-4*'owner' is required*");
        FluentActions.Invoking(() => WaiverFile.Load(Write("waivers: [{id: W-5, rule: ASSIGNEES-REPLACE, reason: r, owner: o, expires: 2027-01-01, approved: yes}]"), SyntheticReport.Catalogue))
            .Should().Throw<ConfigurationException>("an unknown key is a typo, not something to ignore");
    }

    [Test]
    public async Task Results_json_with_findings_and_waivers_follows_the_documented_schema()
    {
        var report = Mixed().Waive("W-1", "ASSIGNEES-REPLACE", LongAfterTheRun).Build();
        var schema = await JsonSchema.FromFileAsync(Repository.Specs("results.schema.json"));

        var json = ResultsJsonWriter.Render(report);

        schema.Validate(json).Select(v => $"{v.Path}: {v.Kind}").Should().BeEmpty();
        json.Should().Contain("\"state\": \"applied\"").And.Contain("\"waived_by\": \"W-1\"").And.Contain("\"spec_coverage\": null");
    }

    [Test]
    public void Junit_has_one_case_per_check_named_by_rule_with_the_failure_narrative()
    {
        var report = Mixed().Build();

        var junit = XDocument.Parse(JunitWriter.Render(report));

        var cases = junit.Descendants("testcase").ToList();
        cases.Should().HaveCount(report.Tests.Count);
        cases.Should().OnlyContain(c => Regex.IsMatch((string)c.Attribute("name")!, "^[A-Z][A-Z0-9-]+: "));
        var failure = cases.Single(c => c.Element("failure") != null).Element("failure")!.Value;
        failure.Should().Contain("Rule ASSIGNEES-REPLACE (MUST)").And.Contain("Doc sentence:").And.Contain("Role used: member-author").And.Contain("reproduce: curl -sS");
        cases.Should().ContainSingle(c => c.Element("error") != null, "a target error is an error, not a failure");
    }

    [Test]
    public void Trx_counts_and_outcomes_match_the_run_and_ids_are_stable()
    {
        var report = Mixed().Build();
        XNamespace ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

        var trx = XDocument.Parse(TrxWriter.Render(report));

        var counters = trx.Descendants(ns + "Counters").Single();
        ((int)counters.Attribute("total")!).Should().Be(4);
        ((int)counters.Attribute("passed")!).Should().Be(2);
        ((int)counters.Attribute("failed")!).Should().Be(1);
        ((int)counters.Attribute("error")!).Should().Be(1);
        trx.Descendants(ns + "UnitTestResult").Select(r => (string)r.Attribute("outcome")!).Should().BeEquivalentTo(["Failed", "Passed", "Passed", "Failed"]);
        trx.Descendants(ns + "UnitTestResult").Single(r => ((string)r.Attribute("testName")!).StartsWith("ASSIGNEES-REPLACE: Put_with", StringComparison.Ordinal))
            .Descendants(ns + "Message").Single().Value.Should().Contain("Doc sentence:");
        trx.Descendants(ns + "UnitTest").Select(u => (string)u.Attribute("id")!).Should()
            .Equal(XDocument.Parse(TrxWriter.Render(report)).Descendants(ns + "UnitTest").Select(u => (string)u.Attribute("id")!));
    }

    [Test]
    public void Summary_markdown_has_the_verdict_counts_failing_rules_and_where_the_report_is()
    {
        var md = SummaryMarkdownWriter.Render(Mixed().Build());

        md.Should().StartWith("## Anomalies API conformance: NOT CONFORMANT");
        md.Should().Contain("| MUST rules (").And.Contain("| `ASSIGNEES-REPLACE` | MUST | failed |").And.Contain("Put_with_assignee_ids_replaces_the_whole_set");
        md.Should().Contain("Spec coverage: not produced by this run").And.Contain("./run-conformance.sh --seed 4242 --reference-fault synthetic-fault");
    }

    [Test]
    public void A_spec_coverage_page_written_by_the_run_is_linked_from_the_summary()
    {
        var directory = TempDirectory.Create("spec-coverage-link");
        Directory.CreateDirectory(Path.Combine(directory, "spec-coverage"));
        File.WriteAllText(Path.Combine(directory, "spec-coverage", "index.html"), "<html></html>");

        ReportSet.Write(Mixed().Build(), directory, new Redactor());

        File.ReadAllText(Path.Combine(directory, "index.html")).Should().Contain("<a href=\"spec-coverage/index.html\">");
        File.ReadAllText(Path.Combine(directory, "summary.md")).Should().Contain("Spec coverage: `spec-coverage/index.html`");
        File.ReadAllText(Path.Combine(directory, "results.json")).Should().Contain("\"spec_coverage\": \"spec-coverage/index.html\"");
    }

    [Test]
    public void No_report_file_holds_a_registered_secret_wherever_the_secret_appeared()
    {
        // Characters that JSON, XML and HTML escape ('+', '&', '<') must not let a secret slip past redaction.
        const string token = "tok+en&<SECRET>-9f3e1b";
        const string profileSecret = "profile-secret-71c0aa";
        var report = new SyntheticReport { Token = token }
            .Test("ASSIGNEES-REPLACE", Verdicts.Failed, name: "Named_after " + profileSecret, message: $"Expected 401 for Bearer {token}, found 200 ({profileSecret})")
            .Observe("AUTH-MISSING-TOKEN", "token echo", $"the body echoed {token}")
            .Warn("AUTH-BEARER-REQUIRED", $"header x-debug: {profileSecret}")
            .Waive("W-1", "ASSIGNEES-REPLACE", LongAfterTheRun, reason: $"contact with key {profileSecret}")
            .Build(target: $"http://127.0.0.1:5000/?key={profileSecret}");
        var redactor = new Redactor();
        redactor.Register(token, "<token:member-author>");
        redactor.Register(profileSecret, "<secret>");
        var directory = TempDirectory.Create("redaction");

        ReportSet.Write(report, directory, redactor);

        var files = Directory.EnumerateFiles(directory).ToList();
        files.Select(Path.GetFileName).Should().BeEquivalentTo(ReportSet.Writers.Select(w => w.File));
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            foreach (var form in new[] { token, System.Net.WebUtility.HtmlEncode(token), "tok\\u002Ben", "tok+en&amp;", profileSecret })
            {
                text.Should().NotContain(form, $"{Path.GetFileName(file)} must not hold a secret in any escaping");
            }
        }
    }

    [Test]
    public void The_console_writer_redacts_a_secret_even_when_it_arrives_in_pieces()
    {
        var redactor = new Redactor();
        redactor.Register("console-secret-value", "<secret>");
        var output = new StringWriter();
        using (var console = new RedactingTextWriter(output, redactor))
        {
            console.Write("token console-sec");
            console.Write("ret-value and more");
            console.WriteLine();
            console.Write("\r  3/10 checks console-secret-value");
        }

        output.ToString().Should().NotContain("console-secret-value").And.Contain("token <secret> and more").And.Contain("checks <secret>");
    }

    [Test]
    public void Progress_is_plain_lines_without_control_sequences_when_the_console_is_not_a_terminal()
    {
        var output = new StringWriter();
        var progress = new ConsoleProgress(output, interactive: false, _ => "assignees");

        progress.Begin(20);
        for (var i = 0; i < 20; i++)
        {
            progress.TestStarted(["ASSIGNEES-REPLACE"]);
            progress.TestFinished(i == 3 ? Verdicts.Failed : Verdicts.Passed, ["ASSIGNEES-REPLACE"], $"Test_{i}");
        }

        progress.End();

        var text = output.ToString();
        text.Should().NotContain("\u001b").And.NotContain("\r");
        text.Should().Contain("  FAILED [ASSIGNEES-REPLACE] Test_3\n").And.Contain("progress: 20/20 checks, 1 failing, area assignees\n");
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(11, "one line per tenth and one per failure");
    }

    [Test]
    public void Progress_on_a_terminal_is_one_line_redrawn_in_place_with_failures_printed_above_it()
    {
        var output = new StringWriter();
        var progress = new ConsoleProgress(output, interactive: true, _ => "auth");

        progress.Begin(2);
        progress.TestStarted(["AUTH-BEARER-REQUIRED"]);
        progress.TestFinished(Verdicts.Failed, ["AUTH-BEARER-REQUIRED"], "Bad_token");
        progress.TestFinished(Verdicts.Passed, ["AUTH-BEARER-REQUIRED"], "Good_token");
        progress.End();

        var text = output.ToString();
        text.Should().Contain("\r\u001b[2K  FAILED [AUTH-BEARER-REQUIRED] Bad_token\n");
        text.Should().Contain("\r\u001b[2K  1/2 checks, 1 failing, now: auth");
        text.Should().EndWith("\r\u001b[2K  2/2 checks done, 1 failing\n");
    }

    [GeneratedRegex("""(<link\b|<script[^>]*\bsrc=|<img\b|<iframe\b|@import|url\(|(href|src)="(https?:)?//)""", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();
}
