using System.Globalization;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Suite.Support;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Scenarios;

/// <remarks>
/// An order is a property of every listed item: a sort check lists the world's datastores and judges the order
/// of all it lists, reading the sort keys from the items themselves, so on existing data strangers of a shared
/// datastore are judged too. Its world only makes sure the values differ enough there for the order to show.
/// </remarks>
public sealed partial class ListTests
{
    /// <summary>What a sort parameter orders a listed anomaly by, read from the item (a key the page promises).</summary>
    private sealed record SortKey(string Parameter, string Field)
    {
        public IComparable? Of(JsonObject item, ApiResponse answer) => Field == "created"
            ? Read.Instant(Read.RequiredString(item, Field, "a listed anomaly", answer))
                ?? Read.Blocked<DateTimeOffset>("ANOMALY-CREATED-ISO8601", $"the creation time of listed anomaly {item.Id()}", null, answer)
            : Read.Required(item, Field, "a listed anomaly", answer) is null ? null : Read.RequiredInteger(item, Field, "a listed anomaly", answer);
    }

    private static readonly SortKey ById = new("sort_id", "id");
    private static readonly SortKey ByCreated = new("sort_created", "created");
    private static readonly SortKey ByWeight = new("sort_weight", "weight");
    private static readonly SortKey ByCount = new("sort_anomalous_records_count", "anomalous_records_count");

    /// <summary>The default order: most recent first, then most severe (LIST-DEFAULT-ORDER).</summary>
    private static readonly (SortKey Key, bool Ascending)[] DefaultOrder = [(ByCreated, false), (ByWeight, false)];

    /// <summary>How many pages of 2 a check walks across page boundaries (a provisioned world's six take 3).</summary>
    private const int WalkedPages = 10;

    /// <summary>Nulls first (where LIST-SORT-NULLS puts them ascending), then by value.</summary>
    private static int CompareValues(IComparable? a, IComparable? b) =>
        a is null || b is null ? (a is null ? 0 : 1) - (b is null ? 0 : 1) : a.CompareTo(b);

    /// <summary>The first pair of items out of the order of <paramref name="terms"/> (ties in any order), in words; null when there is none.</summary>
    private static string? FirstOutOfOrder(ApiResponse answer, IReadOnlyList<JsonObject> items, params (SortKey Key, bool Ascending)[] terms)
    {
        var rows = items.Select(i => terms.Select(t => t.Key.Of(i, answer)).ToArray()).ToList();
        string Describe(int i) => $"anomaly {items[i].Id()}: " + string.Join(", ", terms.Select((t, k) => $"{t.Key.Field} {Text(rows[i][k])}"));
        for (var i = 1; i < rows.Count; i++)
        {
            if (terms.Select((t, k) => CompareValues(rows[i - 1][k], rows[i][k]) * (t.Ascending ? 1 : -1)).FirstOrDefault(c => c != 0) > 0)
            {
                return $"{Describe(i - 1)} comes before {Describe(i)}";
            }
        }

        return null;
    }

    private static string Text(IComparable? value) => value switch
    {
        null => "null",
        DateTimeOffset instant => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };

    private static void ShouldBeOrdered(ApiResponse answer, IReadOnlyList<JsonObject> items, string expectation, params (SortKey Key, bool Ascending)[] terms)
    {
        if (FirstOutOfOrder(answer, items, terms) is { } wrong)
        {
            Fail($"expected {expectation}, but {wrong}", answer);
        }
    }

    /// <summary>Inconclusive unless some page <paramref name="shows"/> what makes the order it is judged on visible (one value shows none).</summary>
    private static void RequireShown(IReadOnlyList<(ApiResponse Page, IReadOnlyList<JsonObject> Items)> pages, Func<ApiResponse, IReadOnlyList<JsonObject>, bool> shows, string what)
    {
        if (!pages.Any(p => shows(p.Page, p.Items)))
        {
            Assert.Inconclusive($"not judged: no page listed of the world's datastores holds {what}, so the order cannot be seen: {pages[^1].Page}");
        }
    }

    private static bool Differ(ApiResponse page, IEnumerable<JsonObject> items, SortKey key) =>
        items.Select(i => key.Of(i, page)).OfType<IComparable>().Distinct().Skip(1).Any();

    /// <summary>The items of each page of the world's datastores listed with <paramref name="query"/>, up to its own anomalies.</summary>
    private static async Task<IReadOnlyList<(ApiResponse Page, IReadOnlyList<JsonObject> Items)>> SortedPagesAsync(World world, string because, params (string Name, object Value)[] query) =>
        [.. (await ListPagesAsync(Viewer, world, untilOwnListed: true, because, query)).Select(p => (p, p.ListItems()))];

    /// <summary>
    /// Lists the world's datastores sorted by one key, both ways, and expects each page in that order. Ties may
    /// come in any order (LIST-SORT-MULTIPLE judges the tie-break) and nulls anywhere (LIST-SORT-NULLS').
    /// </summary>
    private static async Task ShouldSortAsync(World world, SortKey key)
    {
        foreach (var ascending in new[] { true, false })
        {
            var direction = ascending ? "asc" : "desc";
            var pages = await SortedPagesAsync(world, $"sorting by {key.Parameter}={direction}", (key.Parameter, direction));
            RequireShown(pages, (page, items) => Differ(page, items, key), $"two different {key.Field} values");
            foreach (var (page, items) in pages)
            {
                ShouldBeOrdered(page, [.. items.Where(i => key.Of(i, page) is not null)], $"{key.Parameter}={direction} to order the items by {key.Field} {(ascending ? "ascending" : "descending")}", (key, ascending));
            }
        }
    }

    [Test]
    [Rule("LIST-SORT-ID")]
    public async Task Sort_id_orders_by_id_both_ways()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b").Anomaly("c").Anomaly("d"));

        await ShouldSortAsync(world, ById);
    }

    [Test]
    [Rule("LIST-SORT-CREATED")]
    public async Task Sort_created_orders_by_creation_both_ways()
    {
        // Judged on every listed item by the creation time it shows, so on existing data the datastore of four
        // anomalies created at distinct times will do, shared as it is.
        var world = await ProvisionAsync(b => b
            .Anomaly("second", Created(Day.AddHours(1)))
            .Anomaly("first", Created(Day))
            .Anomaly("fourth", Created(Day.AddHours(3)))
            .Anomaly("third", Created(Day.AddHours(2)))
            .OnExisting(ExistingNeeds.CreatedAtFourTimes));

        await ShouldSortAsync(world, ByCreated);
    }

    [Test]
    [Rule("LIST-SORT-WEIGHT")]
    public async Task Sort_weight_orders_by_weight_both_ways()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("w30", new() { Weight = 30 })
            .Anomaly("w10", new() { Weight = 10 })
            .Anomaly("w50", new() { Weight = 50 })
            .Anomaly("w20", new() { Weight = 20 })
            .OnExisting(ExistingNeeds.DifferentWeights));

        await ShouldSortAsync(world, ByWeight);
    }

    [Test]
    [Rule("LIST-SORT-ANOMALOUS-RECORDS-COUNT")]
    public async Task Sort_anomalous_records_count_orders_by_count_both_ways()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("count-5", new() { AnomalousRecordsCount = 5 })
            .Anomaly("count-500", new() { AnomalousRecordsCount = 500 })
            .Anomaly("count-50", new() { AnomalousRecordsCount = 50 })
            .Anomaly("count-7", new() { AnomalousRecordsCount = 7 })
            .OnExisting(ExistingNeeds.DifferentCounts));

        await ShouldSortAsync(world, ByCount);
    }

    [Test]
    [Rule("LIST-SORT-NULLS")]
    public async Task A_null_anomalous_records_count_sorts_first_ascending_and_last_descending()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("count-5", new() { AnomalousRecordsCount = 5 })
            .Anomaly("no-count", new() { AnomalousRecordsCountIsNull = true })
            .Anomaly("count-50", new() { AnomalousRecordsCount = 50 })
            .OnExisting(ExistingNeeds.NullCountBesideCounts));

        foreach (var ascending in new[] { true, false })
        {
            var direction = ascending ? "asc" : "desc";
            var pages = await SortedPagesAsync(world, $"sorting by count {direction}", (ByCount.Parameter, direction));
            RequireShown(pages, (page, items) => items.Any(i => ByCount.Of(i, page) is null) && items.Any(i => ByCount.Of(i, page) is not null), "both a null and a counted anomalous_records_count");
            foreach (var (page, items) in pages)
            {
                var isNull = items.Select(i => ByCount.Of(i, page) is null).ToList();
                Precondition(FirstOutOfOrder(page, [.. items.Where((_, n) => !isNull[n])], (ByCount, ascending)) is null, "the counts being sorted", "LIST-SORT-ANOMALOUS-RECORDS-COUNT", page);

                // Ascending, no null count follows a value; descending, none comes before one (a page without both passes).
                var misplaced = isNull.Contains(true) && isNull.Contains(false)
                    && (ascending ? isNull.LastIndexOf(true) > isNull.IndexOf(false) : isNull.IndexOf(true) < isNull.LastIndexOf(false));
                FailUnless(!misplaced, $"expected a null anomalous_records_count to sort {(ascending ? "first ascending" : "last descending")}", page);
            }
        }
    }

    [Test]
    [Rule("LIST-ORDER-ACROSS-PAGES")]
    public async Task Sorting_and_the_default_order_apply_before_paging()
    {
        // Ids follow the provisioning order, which is neither the weight order nor the creation order.
        var world = await ProvisionAsync(b => b
            .Anomaly("w40", new() { Weight = 40, Created = Day.AddHours(5) })
            .Anomaly("w90", new() { Weight = 90, Created = Day.AddHours(1) })
            .Anomaly("w10", new() { Weight = 10, Created = Day.AddHours(4) })
            .Anomaly("w70", new() { Weight = 70, Created = Day })
            .Anomaly("w30", new() { Weight = 30, Created = Day.AddHours(3) })
            .Anomaly("w60", new() { Weight = 60, Created = Day.AddHours(2) })
            .OnExisting(ExistingNeeds.DifferentWeightsAndTimes));
        (SortKey Key, bool Ascending)[] byWeight = [(ByWeight, false)];

        // On one page the orders are LIST-SORT-WEIGHT's and LIST-DEFAULT-ORDER's; across pages they are this rule's.
        var onePage = (await ListAsync(Viewer, [.. InDatastores(world), ("sort_weight", "desc"), ("size", 100)])).ShouldSucceed("sorting one page by weight");
        var onePageDefault = (await ListAsync(Viewer, [.. InDatastores(world), ("size", 100)])).ShouldSucceed("one page in the default order");
        Precondition(FirstOutOfOrder(onePage, onePage.ListItems(), byWeight) is null && FirstOutOfOrder(onePageDefault, onePageDefault.ListItems(), DefaultOrder) is null,
            "one page coming back sorted by weight, and in the default order", "LIST-SORT-WEIGHT and LIST-DEFAULT-ORDER", onePage, onePageDefault);

        (string Name, object Value)[] weightDescending = [("sort_weight", "desc")];
        foreach (var (sort, terms, expectation) in new[]
        {
            (weightDescending, byWeight, "pages of 2 sorted by weight descending, read in page order, to be sorted as a whole"),
            ([], DefaultOrder, "the default order (most recent first, then most severe) to hold across pages of 2"),
        })
        {
            var walk = await Read.WalkAsync(Api, Viewer, "/api/anomalies" + Query.String([.. InDatastores(world), .. sort]), 2, Read.ListEnvelopeRule, maxPages: WalkedPages);
            Precondition(walk.Answers.Count > 1 && walk.Items.Select(i => i.Id()).Distinct().Count() == walk.Items.Count, "the walk crossing pages, each anomaly once", "PAGINATION-WALK", [.. walk.Answers]);
            RequireShown([(walk.Answers[0], walk.Items)], (page, items) => Differ(page, items, terms[0].Key), $"two different {terms[0].Key.Field} values");
            ShouldBeOrdered(walk.Answers[^1], walk.Items, expectation, terms);
        }
    }

    [Test]
    [Rule("LIST-SORT-MULTIPLE")]
    public async Task Several_sort_parameters_apply_in_query_order_and_ties_end_with_id_ascending()
    {
        // Weight and creation disagree, so the order of application shows; two anomalies tie on both. Both
        // directions are ascending so this check does not lean on the descending sorts checked by their own rules.
        var world = await ProvisionAsync(b => b
            .Anomaly("light-late", new() { Weight = 10, Created = Day.AddHours(2) })
            .Anomaly("heavy-early", new() { Weight = 30, Created = Day })
            .Anomaly("medium-middle-1", new() { Weight = 20, Created = Day.AddHours(1) })
            .Anomaly("medium-middle-2", new() { Weight = 20, Created = Day.AddHours(1) })
            .Anomaly("light-latest", new() { Weight = 10, Created = Day.AddHours(3) })
            .OnExisting(ExistingNeeds.SortsCombinationShows));

        foreach (var (first, then) in new[] { (ByWeight, ByCreated), (ByCreated, ByWeight) })
        {
            var pages = await SortedPagesAsync(world, $"sorting by {first.Field}, then {then.Field}", (first.Parameter, "asc"), (then.Parameter, "asc"));
            RequireShown(pages, (page, items) =>
            {
                var rows = items.Select(i => (Weight: ByWeight.Of(i, page), Created: ByCreated.Of(i, page))).ToList();
                return rows.GroupBy(r => r).Any(g => g.Count() > 1) && rows.Any(r => rows.Any(s => CompareValues(r.Weight, s.Weight) < 0 && CompareValues(r.Created, s.Created) > 0));
            }, "two anomalies tied on both weight and creation time, and two whose weights and creation times disagree");
            foreach (var (page, items) in pages)
            {
                ShouldBeOrdered(page, items, $"{first.Parameter}=asc then {then.Parameter}=asc, ties by id ascending, to order the items", (first, true), (then, true), (ById, true));
            }
        }
    }
}
