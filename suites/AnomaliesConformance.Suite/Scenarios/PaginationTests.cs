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
[OnExistingData]
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
        var scope = world.Datastores.Select(d => ("datastore", (object)d)).ToArray();
        // On existing data the datastores hold other anomalies too: the total is read, and every other number of
        // the envelope must follow from it. A total below the world's own open anomalies is not a count of them.
        var plain = (await ListAsync(Viewer, scope)).ShouldSucceed("listing without page or size");
        var total = Number(plain.Object, "total") ?? 0;
        total.Should().BeGreaterThanOrEqualTo(world.Anomalies.Count, "the total counts at least the world's own {0} anomalies: {1}", world.Anomalies.Count, plain);
        // A size the total is not a multiple of, so that rounding the page count down shows.
        var size = Enumerable.Range(2, 99).FirstOrDefault(s => total % s != 0, 2);
        var answers = await Task.WhenAll(
            ListAsync(Viewer, [.. scope, ("size", size)]),
            ListAsync(Viewer, [.. scope, ("start_date", "2999-01-01T00:00:00.000000Z")]));

        ShouldBeEnvelope(plain, total, page: 1, size: 50, pages: PagesOf(total, 50), items: (int)Math.Min(total, 50));
        ShouldBeEnvelope(answers[0].ShouldSucceed($"listing with size={size}"), total, page: 1, size: size, pages: PagesOf(total, size), items: (int)Math.Min(total, size));
        var none = answers[1].ShouldSucceed("listing a filter nothing matches (created after 2999-01-01)");
        Precondition(none.ListItems().Count == 0, "start_date after every anomaly selecting none", "LIST-START-DATE-APPLIES", none);
        ShouldBeEnvelope(none, total: 0, page: 1, size: 50, pages: 0, items: 0);
    }

    private static long PagesOf(long total, long size) => (total + size - 1) / size;

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
            // Texts of this world alone: an existing anomaly's history may hold another run's edits.
            (await PutAsync(As("member-editor"), id, $$"""{"description": "{{world.Prefix}} edit {{i}}"}""")).ShouldSucceed($"description edit {i}");
        }

        var walk = await Read.WalkAsync(Api, Viewer, $"/api/anomalies/{id}/history", 2, Read.HistoryEnvelopeRule);

        var entries = walk.Items.Select(e => e.ToJsonString()).ToList();
        entries.Should().OnlyHaveUniqueItems("no history entry appears on two pages");
        Enumerable.Range(1, 5).Select(i => $"{world.Prefix} edit {i}").Should().OnlyContain(edit => walk.Items.Count(e => Read.After(e, "description") == edit) == 1, "each of the five edits is walked once: {0}", string.Join("\n", entries));
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
        var scope = world.Datastores.Select(d => ("datastore", (object)d)).ToArray();
        var first = (await ListAsync(Viewer, [.. scope, ("size", 2)])).ShouldSucceed("reading the first page of size 2");
        var total = Number(first.Object, "total") ?? Read.Blocked<long>(Read.ListEnvelopeRule, "the list's total", null, first);
        var lastPage = PagesOf(total, 2);

        var id = world["a"].Id;
        var answers = await Task.WhenAll(
            ListAsync(Viewer, [.. scope, ("size", 2), ("page", lastPage + 1)]),
            ListAsync(Viewer, [.. scope, ("size", 2), ("page", 1000 + lastPage)]),
            HistoryAsync(Viewer, id),
            HistoryAsync(Viewer, id, "?page=1000"));
        foreach (var response in answers[..2])
        {
            response.ShouldSucceed($"for a page past the last of {lastPage}");
            response.ListItems().Should().BeEmpty("a page past the end has no items: {0}", response);
            Number(response.Object, "total").Should().Be(total, "the total stays the same past the end: {0}", response);
        }

        var history = answers[2].ShouldSucceed("reading the history");
        var pastHistory = answers[3].ShouldSucceed("for history page 1000");
        pastHistory.HistoryItems().Should().BeEmpty("a history page past the end has no items: {0}", pastHistory);
        Number(pastHistory.Object, "total").Should().Be(Number(history.Object, "total"), "the history total stays the same past the end: {0}", pastHistory);
    }

    [Test]
    [Rule("PAGINATION-BOUNDS")]
    public async Task Page_below_1_and_size_outside_1_to_100_are_answered_422_on_the_list_and_on_history()
    {
        var world = await ProvisionOneAsync();
        string[] paths = [$"/api/anomalies?{string.Join("&", world.Datastores.Select(d => $"datastore={d}"))}&", $"/api/anomalies/{world["a"].Id}/history?"];
        string[] bad = ["page=0", "page=-1", "size=0", "size=101"];
        string[] good = ["size=1", "size=100"];

        var answers = await GetTogetherAsync(Viewer, paths.SelectMany(path => bad.Concat(good).Select(query => path + query)));
        var i = 0;
        foreach (var path in paths)
        {
            foreach (var query in bad)
            {
                answers[i++].ShouldHaveStatus(422, $"for {query}: page is at least 1 and size 1 to 100");
            }

            foreach (var query in good)
            {
                answers[i++].ShouldSucceed($"for {query}, within the bounds");
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
        ShouldBeEnvelope(whole, total, page: 1, size: 50, pages: PagesOf(total, 50), items: (int)Math.Min(total, 50));

        ShouldBeEnvelope((await HistoryAsync(Viewer, id, "?size=1")).ShouldSucceed("reading history with size=1"), total, page: 1, size: 1, pages: total, items: (int)Math.Min(1, total));
        ShouldBeEnvelope(
            (await HistoryAsync(Viewer, id, "?size=1&page=2")).ShouldSucceed("reading page 2 of history with size=1"), total, page: 2, size: 1, pages: total, items: (int)Math.Min(1, Math.Max(0, total - 1)));
    }
}
