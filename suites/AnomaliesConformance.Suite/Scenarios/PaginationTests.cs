using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;
using AnomaliesConformance.Core.Checks;

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
        new { Total = Number(envelope, "total"), Page = Number(envelope, "page"), Size = Number(envelope, "size"), Pages = Number(envelope, "pages"), Items = envelope["items"] is JsonArray held ? held.Count : -1 }
            .Should().Be(new { Total = (long?)total, Page = (long?)page, Size = (long?)size, Pages = (long?)pages, Items = items }, "pages = ceil(total / size): {0}", response);
    }

    private static long? Number(JsonObject envelope, string key) =>
        envelope[key] is JsonValue value && value.TryGetValue<long>(out var number) ? number : null;

    [Test]
    [Rule("PAGINATION-ENVELOPE")]
    public async Task The_list_answers_the_page_envelope_with_defaults_and_a_page_count_rounded_up()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b").Anomaly("c").Anomaly("d").Anomaly("e"));

        ShouldBeEnvelope((await ListAsync(Viewer, ("datastore", world.DatastoreId))).ShouldSucceed("listing without page or size"), total: 5, page: 1, size: 50, pages: 1, items: 5);
        ShouldBeEnvelope((await ListAsync(Viewer, ("datastore", world.DatastoreId), ("size", 2))).ShouldSucceed("listing with size=2"), total: 5, page: 1, size: 2, pages: 3, items: 2);
        ShouldBeEnvelope(
            (await ListAsync(Viewer, ("datastore", world.DatastoreId), ("status", "Acknowledged"))).ShouldSucceed("listing a filter nothing matches"),
            total: 0, page: 1, size: 50, pages: 0, items: 0);
    }

    [Test]
    [Rule("PAGINATION-WALK")]
    public async Task Walking_the_pages_of_the_list_returns_every_visible_item_exactly_once_and_the_total_counts_them()
    {
        // Seven visible anomalies and a soft-deleted one in one datastore, two in a datastore the viewer cannot
        // see; the walk names both datastores, so only the scope and the soft deletion keep them apart.
        var world = await ProvisionAsync(b =>
        {
            foreach (var key in new[] { "a", "b", "c", "d", "e", "f", "g" })
            {
                b.Anomaly(key);
            }

            b.Anomaly("soft-deleted", new() { SoftDeleted = true });
        });
        var hidden = await ProvisionAsync(b => b.Anomaly("x").Anomaly("y").Grant("member-viewer", null));
        var visible = world.Anomalies.Values.Where(a => a.Key != "soft-deleted").Select(a => a.Id).ToList();

        // Whatever the paging parameters are called (Representation), and however the walk ends.
        var walk = await Read.WalkAsync(Api, Viewer, "/api/anomalies" + Query.String(("datastore", world.DatastoreId), ("datastore", hidden.DatastoreId)), 3, Read.ListEnvelopeRule);

        var walked = walk.Items.Select(a => a.Id()).ToList();
        // Whether a hidden anomaly is listed at all is LIST-SCOPED-TO-VISIBLE's, a soft-deleted one LIST-EXCLUDES-DELETED's.
        Precondition(!walked.Intersect(hidden.Anomalies.Values.Select(a => a.Id)).Any(), "the list keeping to what the caller may see", "LIST-SCOPED-TO-VISIBLE", [.. walk.Answers]);
        walked.Should().OnlyHaveUniqueItems("no item appears on two pages").And.Contain(visible, "every visible anomaly appears");
        walk.Answers.Should().HaveCountGreaterThan(1, "three items a page cross a page boundary");
        Precondition(walk.Total is not null, "the list stating its total", Read.ListEnvelopeRule, walk.Answers[0]);
        walk.Total.Should().Be(walked.Count, "the total counts exactly the items the walk returned, none the caller may not see and no soft-deleted one: {0}", walk.Answers[0]);
    }

    [Test]
    [Rule("PAGINATION-WALK")]
    [Effect(CheckEffect.ReversibleWrite)]
    public async Task Walking_the_pages_of_the_history_returns_every_entry_exactly_once_and_the_total_counts_them()
    {
        var world = await ProvisionOneAsync();
        var id = world["a"].Id;
        for (var i = 1; i <= 5; i++)
        {
            (await PutAsync(As("member-editor"), id, $$"""{"description": "edit {{i}}"}""")).ShouldSucceed($"description edit {i}");
        }

        var walk = await Read.WalkAsync(Api, Viewer, $"/api/anomalies/{id}/history", 2, Read.HistoryEnvelopeRule);

        var entries = walk.Items.Select(e => e.ToJsonString()).ToList();
        entries.Should().OnlyHaveUniqueItems("no history entry appears on two pages");
        Enumerable.Range(1, 5).Select(i => $"edit {i}").Should().OnlyContain(edit => walk.Items.Count(e => Read.After(e, "description") == edit) == 1, "each of the five edits is walked once: {0}", string.Join("\n", entries));
        // A bare array (the page's own example) is one page with no total to state; an envelope states one.
        if (Read.PageOf(walk.Answers[0], Read.HistoryEnvelopeRule).Enveloped)
        {
            Precondition(walk.Total is not null, "the history's envelope stating its total", Read.HistoryEnvelopeRule, walk.Answers[0]);
            walk.Total.Should().Be(entries.Count, "the history's total counts its entries: {0}", walk.Answers[0]);
        }
    }

    [Test]
    [Rule("PAGINATION-PAST-END")]
    public async Task A_page_past_the_last_one_is_empty_with_the_same_total()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b").Anomaly("c").Anomaly("d").Anomaly("e"));

        foreach (var page in new[] { 4, 1000 })
        {
            var response = (await ListAsync(Viewer, ("datastore", world.DatastoreId), ("size", 2), ("page", page))).ShouldSucceed($"for page {page} of 3");
            response.ListItems().Should().BeEmpty("a page past the end has no items: {0}", response);
            Number(response.Object, "total").Should().Be(5, "the total stays the same past the end: {0}", response);
        }

        var id = world["a"].Id;
        var history = (await HistoryAsync(Viewer, id)).ShouldSucceed("reading the history");
        var pastHistory = (await HistoryAsync(Viewer, id, "?page=1000")).ShouldSucceed("for history page 1000");
        pastHistory.HistoryItems().Should().BeEmpty("a history page past the end has no items: {0}", pastHistory);
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
                (await Api.GetAsync(Viewer, path + good)).ShouldSucceed($"for {good}, within the bounds");
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

        var whole = (await HistoryAsync(Viewer, id)).ShouldSucceed("reading the history");
        var total = Number(whole.Object, "total") ?? 0;
        ShouldBeEnvelope(whole, total, page: 1, size: 50, pages: total == 0 ? 0 : 1, items: (int)total);

        ShouldBeEnvelope((await HistoryAsync(Viewer, id, "?size=1")).ShouldSucceed("reading history with size=1"), total, page: 1, size: 1, pages: total, items: (int)Math.Min(1, total));
        ShouldBeEnvelope(
            (await HistoryAsync(Viewer, id, "?size=1&page=2")).ShouldSucceed("reading page 2 of history with size=1"), total, page: 2, size: 1, pages: total, items: (int)Math.Min(1, Math.Max(0, total - 1)));
    }
}
