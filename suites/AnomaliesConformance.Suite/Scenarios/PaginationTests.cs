using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Running;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.Suite.Scenarios;

/// <summary>Page-number pagination of the list and of history: the envelope, walking, the end, the bounds.</summary>
[Effect(CheckEffect.Read)]
public sealed class PaginationTests : ConformanceTest
{
    private static readonly string[] EnvelopeKeys = ["items", "total", "page", "size", "pages"];

    private static Actor Viewer => As("member-viewer");

    private static void ShouldBeEnvelope(ApiResponse response, long total, long page, long size, long pages, int items)
    {
        var envelope = response.Object;
        envelope.Select(p => p.Key).Should().Contain(EnvelopeKeys, "the page envelope has all five keys: {0}", response);
        new { Total = Number(envelope, "total"), Page = Number(envelope, "page"), Size = Number(envelope, "size"), Pages = Number(envelope, "pages"), Items = envelope.Items().Count() }
            .Should().Be(new { Total = (long?)total, Page = (long?)page, Size = (long?)size, Pages = (long?)pages, Items = items }, "pages = ceil(total / size): {0}", response);
    }

    private static long? Number(JsonObject envelope, string key) =>
        envelope[key] is JsonValue value && value.TryGetValue<long>(out var number) ? number : null;

    [Test]
    [Rule("PAGINATION-ENVELOPE")]
    public async Task The_list_answers_the_page_envelope_with_defaults_and_a_page_count_rounded_up()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b").Anomaly("c").Anomaly("d").Anomaly("e"));

        ShouldBeEnvelope((await ListAsync(Viewer, ("datastore", world.DatastoreId))).ShouldHaveStatus(200, "listing without page or size"), total: 5, page: 1, size: 50, pages: 1, items: 5);
        ShouldBeEnvelope((await ListAsync(Viewer, ("datastore", world.DatastoreId), ("size", 2))).ShouldHaveStatus(200, "listing with size=2"), total: 5, page: 1, size: 2, pages: 3, items: 2);
        ShouldBeEnvelope(
            (await ListAsync(Viewer, ("datastore", world.DatastoreId), ("status", "Acknowledged"))).ShouldHaveStatus(200, "listing a filter nothing matches"),
            total: 0, page: 1, size: 50, pages: 0, items: 0);
    }

    [Test]
    [Rule("PAGINATION-WALK")]
    public async Task Walking_the_pages_returns_every_item_exactly_once()
    {
        var world = await ProvisionAsync(b =>
        {
            foreach (var key in new[] { "a", "b", "c", "d", "e", "f", "g" })
            {
                b.Anomaly(key);
            }
        });
        const int size = 3;

        // As the official client walks: page by page until page * size reaches total.
        var walked = new List<long>();
        long total = 0;
        for (var page = 1; page == 1 || (page - 1) * size < total; page++)
        {
            var response = (await ListAsync(Viewer, ("datastore", world.DatastoreId), ("size", size), ("page", page))).ShouldHaveStatus(200, $"listing page {page}");
            total = Number(response.Object, "total") ?? 0;
            walked.AddRange(response.Object.Items().Select(a => a.Id()));
        }

        walked.Should().OnlyHaveUniqueItems("no item appears on two pages").And.HaveCount(7, "walking all pages yields as many items as total")
            .And.BeEquivalentTo(world.Anomalies.Values.Select(a => a.Id), "every anomaly of the datastore appears");
        total.Should().Be(7);
    }

    [Test]
    [Rule("PAGINATION-PAST-END")]
    public async Task A_page_past_the_last_one_is_empty_with_the_same_total()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b").Anomaly("c").Anomaly("d").Anomaly("e"));

        foreach (var page in new[] { 4, 1000 })
        {
            var response = (await ListAsync(Viewer, ("datastore", world.DatastoreId), ("size", 2), ("page", page))).ShouldHaveStatus(200, $"for page {page} of 3");
            response.Object.Items().Should().BeEmpty("a page past the end has no items: {0}", response);
            Number(response.Object, "total").Should().Be(5, "the total stays the same past the end: {0}", response);
        }

        var id = world["a"].Id;
        var history = (await HistoryAsync(Viewer, id)).ShouldHaveStatus(200, "reading the history");
        var pastHistory = (await HistoryAsync(Viewer, id, "?page=1000")).ShouldHaveStatus(200, "for history page 1000");
        pastHistory.Object.Items().Should().BeEmpty("a history page past the end has no items: {0}", pastHistory);
        Number(pastHistory.Object, "total").Should().Be(Number(history.Object, "total"), "the history total stays the same past the end: {0}", pastHistory);
    }

    [Test]
    [Rule("PAGINATION-BOUNDS")]
    public async Task Page_below_1_and_size_outside_1_to_100_are_answered_422_on_the_list_and_on_history()
    {
        var world = await ProvisionOneAsync();
        string[] paths = [$"/api/anomalies?datastore={world.DatastoreId}&", $"/api/anomalies/{world["a"].Id}/history?"];

        foreach (var path in paths)
        {
            foreach (var bad in new[] { "page=0", "page=-1", "size=0", "size=101" })
            {
                (await Api.GetAsync(Viewer, path + bad)).ShouldHaveStatus(422, $"for {bad}: page is at least 1 and size 1 to 100");
            }

            foreach (var good in new[] { "size=1", "size=100" })
            {
                (await Api.GetAsync(Viewer, path + good)).ShouldHaveStatus(200, $"for {good}, within the bounds");
            }
        }
    }

    [Test]
    [Rule("PAGINATION-HISTORY-ENVELOPE")]
    [Effect(CheckEffect.ReversibleWrite)]
    public async Task History_answers_the_same_page_envelope_and_honours_size()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Tag("Reviewed"));
        var id = world["a"].Id;
        // Four writes of different kinds, so the history has several entries whichever kinds a target records.
        var editor = As("member-editor");
        await PutAsync(editor, id, """{"status": "Acknowledged"}""");
        await PutAsync(editor, id, """{"description": "paginated history"}""");
        await PutAsync(editor, id, $$"""{"tags": ["{{world.Tag("Reviewed")}}"]}""");
        await PutAsync(editor, id, $$"""{"assignee_ids": [{{As("member-viewer").UserId}}]}""");

        var whole = (await HistoryAsync(Viewer, id)).ShouldHaveStatus(200, "reading the history");
        var total = Number(whole.Object, "total") ?? 0;
        ShouldBeEnvelope(whole, total, page: 1, size: 50, pages: total == 0 ? 0 : 1, items: (int)total);

        ShouldBeEnvelope((await HistoryAsync(Viewer, id, "?size=1")).ShouldHaveStatus(200, "reading history with size=1"), total, page: 1, size: 1, pages: total, items: (int)Math.Min(1, total));
        ShouldBeEnvelope(
            (await HistoryAsync(Viewer, id, "?size=1&page=2")).ShouldHaveStatus(200, "reading page 2 of history with size=1"), total, page: 2, size: 1, pages: total, items: (int)Math.Min(1, Math.Max(0, total - 1)));
    }
}
