using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Runner.Reporting;
using AnomaliesConformance.SelfTests.Support;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NJsonSchema;
using NUnit.Framework;
using NUnit.Framework.Internal;

namespace AnomaliesConformance.SelfTests.Reporting;

/// <summary>
/// A failure reads at a glance: the expected and observed pair taken from the assertions the suite really uses
/// (FluentAssertions and ResponseAssertions, failed here for real so a change of their wording is noticed), shown
/// in the HTML report and results.json with the full text behind it; provisioning exchanges start collapsed.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ExpectedObservedTests
{
    // A reason as the scenarios write it: the response, with commas, colons and ", but " of its own.
    private const string ResponseInReason = "PUT /api/anomalies/7 as member-author answered 200, but with body:\n{\"assignee_ids\": [3, 5, 6], \"status\": \"Active\"}";

    [Test]
    public void A_collection_that_is_not_equal_gives_its_member_the_expected_set_and_the_observed_set()
    {
        int[] assigneeIds = [3, 5, 6];

        var pair = PairOf(() => assigneeIds.Should().Equal([5, 6], "the PUT replaces the whole set: {0}", ResponseInReason));

        pair.Should().Be(new ExpectedObserved("assignee ids", "{5, 6}", "{3, 5, 6}"));
        pair!.ToString().Should().Be("assignee ids: expected {5, 6}, observed {3, 5, 6}");
    }

    [Test]
    public void Ids_the_suite_reads_as_longs_read_as_the_api_writes_them()
    {
        long[] assigneeIds = [3, 5, 6];
        var status = 403L;

        PairOf(() => assigneeIds.Should().Equal([5L, 6L], "{0}", ResponseInReason)).Should().Be(new ExpectedObserved("assignee ids", "{5, 6}", "{3, 5, 6}"));
        PairOf(() => status.Should().Be(200L)).Should().Be(new ExpectedObserved("status", "200", "403"));
        ExpectedObserved.FromMessage("""Expected names to be equal to {"team-5L"}, but {"team-6L"} differs at index 0.""")
            .Should().Be(new ExpectedObserved("names", "{\"team-5L\"}", "{\"team-6L\"}"), "a text is left as it is");
    }

    [Test]
    public void A_collection_that_differs_at_an_index_or_is_empty_gives_both_sets()
    {
        int[] tagIds = [5, 7];
        int[] none = [];

        PairOf(() => tagIds.Should().Equal([5, 6])).Should().Be(new ExpectedObserved("tag ids", "{5, 6}", "{5, 7}"));
        PairOf(() => none.Should().Equal([5, 6], "because {0}", ResponseInReason)).Should().Be(new ExpectedObserved("none", "{5, 6}", "empty collection"));
    }

    [Test]
    public void An_equivalent_collection_check_gives_both_sets()
    {
        int[] assigneeIds = [3, 5, 6];

        PairOf(() => assigneeIds.Should().BeEquivalentTo([5, 6], "order does not matter: {0}", ResponseInReason))
            .Should().Be(new ExpectedObserved("assignee ids", "{5, 6}", "{3, 5, 6}"));
    }

    [Test]
    public void A_value_a_string_and_a_count_give_their_expected_and_observed_values()
    {
        var response = new { Status = 403 };
        var detail = "archived";
        string[] comments = ["a", "b", "c"];

        PairOf(() => response.Status.Should().Be(200, "an Author may edit: {0}", ResponseInReason)).Should().Be(new ExpectedObserved("status", "200", "403"));
        PairOf(() => detail.Should().Be("active", "{0}", ResponseInReason)).Should().Be(new ExpectedObserved("detail", "\"active\"", "\"archived\""));
        PairOf(() => comments.Should().HaveCount(2, "{0}", ResponseInReason)).Should().Be(new ExpectedObserved("comments count", "2", "3"));
    }

    [Test]
    public void The_suites_status_assertions_give_the_expected_and_the_answered_status()
    {
        var notFound = new ApiResponse(Answer(404), "application/json", """{"detail": "no such anomaly"}""");
        var accepted = new ApiResponse(Answer(200), "application/json", """{"id": 7}""");

        PairOf(() => notFound.ShouldHaveStatus(200, "for an Author reading an anomaly of the team")).Should().Be(new ExpectedObserved("HTTP status", "200", "404"));
        PairOf(() => notFound.ShouldSucceed("for an Author reading, but")).Should().Be(new ExpectedObserved("HTTP status", "2xx", "404"));
        PairOf(() => accepted.ShouldBeRefused("for a Viewer writing")).Should().Be(new ExpectedObserved("HTTP status", "4xx", "200"));
    }

    [Test]
    public void An_empty_check_a_null_check_and_a_structure_give_their_expected_and_observed_values()
    {
        string[] tagNames = ["Finance"];
        var firstDifference = "$.container.name: \"main\" vs \"datastore\"";
        var envelope = new { Page = 1, Pages = 2L };

        PairOf(() => tagNames.Should().BeEmpty("{0}", ResponseInReason)).Should().Be(new ExpectedObserved("tag names", "empty", "{\"Finance\"}"));
        PairOf(() => firstDifference.Should().BeNull("{0}", ResponseInReason)).Should().Be(new ExpectedObserved("first difference", "<null>", "\"" + firstDifference + "\""));
        PairOf(() => envelope.Should().Be(new { Page = 1, Pages = 1L }, "{0}", ResponseInReason))
            .Should().Be(new ExpectedObserved("envelope", "{ Page = 1, Pages = 1 }", "{ Page = 1, Pages = 2 }"));
    }

    [TestCase("(await SnapshotAsync(world[\"a\"])).AssigneeIds()", "assignee ids")]
    [TestCase("byViewer.ListItems().Select(a => a.Id())", "list items")]
    [TestCase("(LinkIdsAsync(anomaly))", "link ids")]
    [TestCase("put.Status", "status")]
    [TestCase("collection", "collection")]
    public void The_subject_is_the_member_the_expression_reads_in_words(string expression, string subject) =>
        ExpectedObserved.SubjectName(expression).Should().Be(subject);

    [Test]
    public void A_message_in_no_known_form_has_no_pair()
    {
        ExpectedObserved.FromMessage("expected an error body with a non-empty \"detail\".\nGET /api/anomalies/7 answered 404").Should().BeNull();
        ExpectedObserved.FromMessage("Expected collection {1, 2} to contain 3.").Should().BeNull();
        ExpectedObserved.FromMessage(null).Should().BeNull();
    }

    [Test]
    public void A_long_value_is_cut_to_one_short_line()
    {
        var pair = ExpectedObserved.FromMessage($"Expected response.Status to be 200, but found {new string('9', 400)}.");

        pair!.Observed.Length.Should().Be(ExpectedObserved.MaxValueChars + 1);
        pair.Observed.Should().EndWith("…");
    }

    [Test]
    public void The_html_failure_shows_the_pair_with_the_assertion_text_behind_it()
    {
        const string Message = "Expected assigneeIds to be equal to {5, 6} because the PUT replaces the whole set, but {3, 5, 6} contains 1 item(s) too many.";
        var html = HtmlReportWriter.Render(new SyntheticReport().Test("ASSIGNEES-REPLACE", Verdicts.Failed, message: Message).Build());
        var failure = FailureOf(html);

        failure.Should().Contain("<p class=\"expected-observed\"><b>assignee ids</b>: expected <code class=\"expected\">{5, 6}</code>, observed <code class=\"observed\">{3, 5, 6}</code></p>");
        failure.Should().Contain("<details class=\"assertion\"><summary>The assertion's full text</summary><pre class=\"message\">" + System.Net.WebUtility.HtmlEncode(Message) + "</pre></details>",
            "the raw assertion stays one click away, closed");
        failure.IndexOf("expected-observed", StringComparison.Ordinal).Should().BeLessThan(failure.IndexOf("class=\"assertion\"", StringComparison.Ordinal), "the pair comes first");
    }

    [Test]
    public void A_failure_without_a_pair_shows_its_text_as_before()
    {
        const string Message = "expected an error body with a non-empty \"detail\".";
        var failure = FailureOf(HtmlReportWriter.Render(new SyntheticReport().Test("ASSIGNEES-REPLACE", Verdicts.Failed, message: Message).Build()));

        failure.Should().NotContain("expected-observed").And.NotContain("class=\"assertion\"");
        failure.Should().Contain("<p><b>Expected versus actual</b></p><pre class=\"message\">" + System.Net.WebUtility.HtmlEncode(Message) + "</pre>");
    }

    [Test]
    public void Provisioning_exchanges_start_collapsed_and_the_checks_own_exchanges_open()
    {
        // SyntheticReport's tests provision first, then act, then verify.
        var failure = FailureOf(HtmlReportWriter.Render(new SyntheticReport().Test("ASSIGNEES-REPLACE", Verdicts.Failed, exchanges: 4).Build()));

        failure.Should().Contain("<li><details class=\"provisioning\"><summary>provision as member-author");
        Occurrences(failure, "<li><details class=\"provisioning\">").Should().Be(1);
        Occurrences(failure, "<li><details open><summary>act as ").Should().Be(2);
        Occurrences(failure, "<li><details open><summary>verify as ").Should().Be(1);
    }

    [Test]
    public async Task Results_json_carries_the_pair_of_a_failure_and_null_otherwise_within_its_schema()
    {
        var report = new SyntheticReport()
            .Test("ASSIGNEES-REPLACE", Verdicts.Failed, "Put_replaces", message: "Expected assigneeIds to be equal to {5, 6}, but {3, 5, 6} contains 1 item(s) too many.")
            .Test("ASSIGNEES-REPLACE", Verdicts.Failed, "Put_has_detail", message: "expected an error body with a non-empty \"detail\".")
            .Test("AUTH-BEARER-REQUIRED", Verdicts.Passed, "Bearer")
            .Build();

        var json = ResultsJsonWriter.Render(report);

        var tests = JsonNode.Parse(json)!["tests"]!.AsArray().ToDictionary(t => t!["name"]!.GetValue<string>(), t => t!["expected_observed"]);
        tests["Put_replaces"]!.ToJsonString().Should().Be("""{"subject":"assignee ids","expected":"{5, 6}","observed":"{3, 5, 6}"}""");
        tests["Put_has_detail"].Should().BeNull();
        tests["Bearer"].Should().BeNull();
        var schema = await JsonSchema.FromFileAsync(Repository.Specs("results.schema.json"));
        schema.Validate(json).Select(v => $"{v.Path}: {v.Kind}").Should().BeEmpty();
    }

    [Test]
    public void The_junit_narrative_leads_with_the_pair()
    {
        var report = new SyntheticReport().Test("ASSIGNEES-REPLACE", Verdicts.Failed).Build();

        FailureNarrative.For(report.Tests[0], report).Should().Contain("In short: status: expected 200, observed 403\nWhat happened: Expected response.Status");
    }

    private static ExpectedObserved? PairOf(Action failingAssertion)
    {
        string? message = null;
        // An isolated context: the suite's helpers fail through Assert.Fail, which would fail this test too.
        using (new TestExecutionContext.IsolatedContext())
        {
            try
            {
                failingAssertion();
            }
            catch (Exception e)
            {
                message = e.Message;
            }
        }

        message.Should().NotBeNull("the assertion fails");
        var pair = ExpectedObserved.FromMessage(message);
        pair.Should().NotBeNull("a pair is read from: {0}", message);
        return pair;
    }

    private static Exchange Answer(int status) => new()
    {
        Sequence = 1,
        TestId = "Synthetic.Test",
        Actor = "member-author",
        Purpose = ExchangePurpose.Act,
        Method = "GET",
        Url = "http://127.0.0.1:5000/api/anomalies/7",
        RequestHeaders = [],
        Status = status,
        ResponseHeaders = [new("Content-Type", "application/json")],
        StartedAt = SyntheticReport.Started,
        DurationMs = 3,
        Curl = "curl -sS 'http://127.0.0.1:5000/api/anomalies/7'",
    };

    private static string FailureOf(string html)
    {
        var failure = html[html.IndexOf("<details class=\"failure\"", StringComparison.Ordinal)..];
        return failure[..(failure.IndexOf("</details></li></ol></details>", StringComparison.Ordinal) + 1)];
    }

    private static int Occurrences(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
