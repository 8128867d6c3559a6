using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.SelfTests.Support;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.SelfTests;

/// <summary>
/// The suite's one reading layer (Suite/Support/Read.cs) on the spellings other servers use: each one a
/// behaviour check must still judge, each one it cannot read ending the check inconclusive with the shape
/// rule and the key to declare, and a key the page promises failing when it is missing.
/// </summary>
public sealed class ReadingLayerTests
{
    [TestCase("""[{"id": 1}, {"id": 2}]""", false, null)]
    [TestCase("""{"items": [{"id": 1}, {"id": 2}], "total": 2, "page": 1, "size": 50, "pages": 1}""", true, 2L)]
    [TestCase("""{"data": [{"id": 1}, {"id": 2}], "count": 2}""", true, 2L)]
    [TestCase("""{"results": [{"id": 1}, {"id": 2}], "total_count": 2, "next": null}""", true, 2L)]
    [TestCase("""{"anomalies": [{"id": 1}, {"id": 2}], "meta": {"page": 1}}""", true, null)]
    public void A_collection_is_read_from_a_bare_array_or_any_common_envelope(string body, bool enveloped, long? total)
    {
        var page = Read.PageOf(Answer(body), Read.ListEnvelopeRule);

        page.Items.Select(i => i.Id()).Should().Equal(1, 2);
        page.Enveloped.Should().Be(enveloped);
        page.Total.Should().Be(total);
    }

    [Test]
    public void An_envelope_with_no_recognisable_items_ends_the_check_inconclusive_naming_the_shape_rule_and_the_key()
    {
        var read = () => Read.PageOf(Answer("""{"first": [{"id": 1}], "second": [{"id": 2}]}"""), Read.ListEnvelopeRule);

        read.Should().Throw<InconclusiveException>().WithMessage("*PAGINATION-ENVELOPE*page_items_key*");
    }

    [TestCase("""{"fields": ["a", "b"], "records": [{"a": 1, "b": "x"}]}""")]
    [TestCase("""{"rows": [{"a": 1, "b": "x"}]}""")]
    [TestCase("""{"columns": ["a", "b"], "rows": [[1, "x"]]}""")]
    [TestCase("""{"fields": ["a", "b"], "records": "[{\"a\": 1, \"b\": \"x\"}]"}""")]
    [TestCase("""[{"a": 1, "b": "x"}]""")]
    public void Source_records_are_read_as_objects_arrays_or_an_encoded_string(string body)
    {
        var rows = Read.SourceRowsOf(Answer(body));

        rows.Fields.Should().Equal("a", "b");
        rows.Rows.Should().ContainSingle();
        rows.Column("a").Single()!.ToJsonString().Should().Be("1");
        rows.Column("b").Single()!.ToJsonString().Should().Be("\"x\"");
    }

    [TestCase("""{"comment": "hello"}""")]
    [TestCase("""{"text": "hello"}""")]
    [TestCase("""{"body": "hello"}""")]
    public void A_comment_text_is_read_under_its_usual_names(string comment) =>
        Read.CommentText(JsonNode.Parse(comment)!.AsObject()).Should().Be("hello");

    [Test]
    public void A_tag_change_is_read_under_global_tags_or_tags_and_archived_ness_from_the_status()
    {
        var entry = JsonNode.Parse("""{"user": {"id": 3}, "timestamp": "2026-05-15T17:22:08Z", "changeset": {"tags": [[], [{"id": 1, "name": "High"}]]}}""")!.AsObject();

        Read.Change(entry, "global_tags").Should().NotBeNull();
        Read.UserIdOf(entry).Should().Be(3);
        Read.Instant(Read.TimestampOf(entry)).Should().Be(new DateTimeOffset(2026, 5, 15, 17, 22, 8, TimeSpan.Zero));
        Read.IsArchived(JsonNode.Parse("""{"status": "Discarded", "archived": false}""")!.AsObject()).Should().BeTrue("archived-ness is the status's, whatever the flag says");
    }

    [Test]
    public void A_key_the_page_promises_fails_the_check_and_names_the_key_when_it_is_missing()
    {
        var entry = JsonNode.Parse("""{"timestamp": "2026-05-15T17:22:08Z", "changeset": {}}""")!.AsObject();

        // Isolated: an NUnit assertion records its failure in the running test's context before it throws.
        var read = () =>
        {
            using var isolated = new NUnit.Framework.Internal.TestExecutionContext.IsolatedContext();
            return Read.UserIdOf(entry);
        };

        read.Should().Throw<AssertionException>().WithMessage("*\"user\"*");
    }

    [Test]
    public async Task An_unknown_representation_key_exits_2_and_names_the_known_ones()
    {
        var run = await ChildProcess.RunRunnerAsync("--representation", "comment_key=text", "--out", TempDirectory.Create("bad-representation"));

        run.ExitCode.Should().Be(2, "{0}", run);
        run.StandardError.Should().Contain("comment_key").And.Contain("comment_text_key");
    }

    private static ApiResponse Answer(string body) => new(
        new Exchange
        {
            Sequence = 1,
            TestId = "t",
            Actor = "member-viewer",
            Method = "GET",
            Url = "http://127.0.0.1/api/anomalies",
            RequestHeaders = [],
            Status = 200,
            StartedAt = DateTimeOffset.UnixEpoch,
            DurationMs = 1,
            Curl = "curl",
        },
        "application/json",
        body);
}
