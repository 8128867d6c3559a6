using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Scenarios;

public sealed partial class ListTests
{
    /// <summary>
    /// Lists the world sorted by one parameter, both ways, and expects the order the specs give. The values
    /// are distinct, so the order is fixed without the tie-break (LIST-SORT-MULTIPLE checks that).
    /// </summary>
    private static async Task ShouldSortAsync(World world, string parameter, Func<AnomalySpec, IComparable?> key)
    {
        // Nulls sort first ascending and last descending (contract-choices.md; LIST-SORT-NULLS).
        var ascending = world.Specs.OrderBy(s => key(s.Value) is null ? 0 : 1).ThenBy(s => key(s.Value)).Select(s => s.Key).ToArray();
        foreach (var (direction, expected) in new[] { ("asc", ascending), ("desc", Enumerable.Reverse(ascending).ToArray()) })
        {
            var response = (await ListAsync(Viewer, ("datastore", world.DatastoreId), (parameter, direction))).ShouldSucceed($"sorting by {parameter}={direction}");
            KeysOf(world, response).Should().Equal(expected, "{0}={1} orders the items so: {2}", parameter, direction, response);
        }
    }

    [Test]
    [Rule("LIST-SORT-ID")]
    public async Task Sort_id_orders_by_id_both_ways()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b").Anomaly("c").Anomaly("d"));
        var ascending = world.Anomalies.Values.OrderBy(a => a.Id).Select(a => a.Key).ToArray();

        foreach (var (direction, expected) in new[] { ("asc", ascending), ("desc", Enumerable.Reverse(ascending).ToArray()) })
        {
            var response = (await ListAsync(Viewer, ("datastore", world.DatastoreId), ("sort_id", direction))).ShouldSucceed($"sorting by sort_id={direction}");
            KeysOf(world, response).Should().Equal(expected, "sort_id={0} orders the items by id: {1}", direction, response);
        }
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

        foreach (var direction in new[] { "asc", "desc" })
        {
            var response = (await ListAsync(Viewer, [.. world.Datastores.Select(d => ("datastore", (object)d)), ("size", 100), ("sort_created", direction)])).ShouldSucceed($"sorting by sort_created={direction}");
            var created = response.ListItems()
                .Select(item => Read.Instant(Read.RequiredString(item, "created", "a listed anomaly", response)) ?? Read.Blocked<DateTimeOffset>("ANOMALY-CREATED-ISO8601", $"the creation time of listed anomaly {item.Id()}", null, response))
                .ToList();
            FailUnless(created.Distinct().Count() >= 2, $"expected sort_created={direction} to list anomalies created at distinct times: datastore(s) {string.Join(", ", world.Datastores)} hold four", response);
            created.Should().Equal(direction == "asc" ? created.Order() : created.OrderDescending(), "sort_created={0} orders the items by creation: {1}", direction, response);
        }
    }

    [Test]
    [Rule("LIST-SORT-WEIGHT")]
    public async Task Sort_weight_orders_by_weight_both_ways()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("w30", new() { Weight = 30 })
            .Anomaly("w10", new() { Weight = 10 })
            .Anomaly("w50", new() { Weight = 50 })
            .Anomaly("w20", new() { Weight = 20 }));

        await ShouldSortAsync(world, "sort_weight", s => s.Weight);
    }

    [Test]
    [Rule("LIST-SORT-ANOMALOUS-RECORDS-COUNT")]
    public async Task Sort_anomalous_records_count_orders_by_count_both_ways()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("count-5", new() { AnomalousRecordsCount = 5 })
            .Anomaly("count-500", new() { AnomalousRecordsCount = 500 })
            .Anomaly("count-50", new() { AnomalousRecordsCount = 50 })
            .Anomaly("count-7", new() { AnomalousRecordsCount = 7 }));

        await ShouldSortAsync(world, "sort_anomalous_records_count", s => s.AnomalousRecordsCount);
    }

    [Test]
    [Rule("LIST-SORT-NULLS")]
    public async Task A_null_anomalous_records_count_sorts_first_ascending_and_last_descending()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("count-5", new() { AnomalousRecordsCount = 5 })
            .Anomaly("no-count", new() { AnomalousRecordsCountIsNull = true })
            .Anomaly("count-50", new() { AnomalousRecordsCount = 50 }));
        var plain = await ListAsync(Viewer, ("datastore", world.DatastoreId), ("sort_anomalous_records_count", "asc"));
        Precondition(KeysOf(world, plain.ShouldSucceed("sorting by count")).Where(k => k != "no-count").SequenceEqual(["count-5", "count-50"]), "the counts being sorted", "LIST-SORT-ANOMALOUS-RECORDS-COUNT", plain);

        await ShouldSortAsync(world, "sort_anomalous_records_count", s => s.AnomalousRecordsCountIsNull ? null : s.AnomalousRecordsCount);
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
            .Anomaly("w60", new() { Weight = 60, Created = Day.AddHours(2) }));

        // On one page the orders are LIST-SORT-WEIGHT's and LIST-DEFAULT-ORDER's; across pages they are this rule's.
        var onePage = (await ListAsync(Viewer, ("datastore", world.DatastoreId), ("sort_weight", "desc"), ("size", 100))).ShouldSucceed("sorting one page by weight");
        var onePageDefault = (await ListAsync(Viewer, ("datastore", world.DatastoreId), ("size", 100))).ShouldSucceed("one page in the default order");
        Precondition(KeysOf(world, onePage).SequenceEqual(["w90", "w70", "w60", "w40", "w30", "w10"]) && KeysOf(world, onePageDefault).SequenceEqual(["w40", "w10", "w30", "w60", "w90", "w70"]),
            "one page coming back sorted by weight, and in the default order", "LIST-SORT-WEIGHT and LIST-DEFAULT-ORDER", onePage, onePageDefault);
        var byWeight = await Read.WalkAsync(Api, Viewer, $"/api/anomalies?datastore={world.DatastoreId}&sort_weight=desc", 2, Read.ListEnvelopeRule);
        Precondition(KeysOf(world, byWeight.Items).Order().SequenceEqual(world.Anomalies.Keys.Order()), "the walk returning each anomaly once", "PAGINATION-WALK", [.. byWeight.Answers]);
        KeysOf(world, byWeight.Items).Should().Equal(["w90", "w70", "w60", "w40", "w30", "w10"], "pages of 2 sorted by weight descending read in page order are sorted as a whole");

        var byDefault = await Read.WalkAsync(Api, Viewer, $"/api/anomalies?datastore={world.DatastoreId}", 2, Read.ListEnvelopeRule);
        KeysOf(world, byDefault.Items).Should().Equal(["w40", "w10", "w30", "w60", "w90", "w70"], "the default order (most recent first) holds across pages");
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
            .Anomaly("light-latest", new() { Weight = 10, Created = Day.AddHours(3) }));
        var rows = world.Specs.Select(s => (s.Key, s.Value.Weight, s.Value.Created, world[s.Key].Id)).ToList();

        var weightFirst = rows.OrderBy(r => r.Weight).ThenBy(r => r.Created).ThenBy(r => r.Id).Select(r => r.Key).ToArray();
        var byWeight = (await ListAsync(Viewer, ("datastore", world.DatastoreId), ("sort_weight", "asc"), ("sort_created", "asc"))).ShouldSucceed("sorting by weight, then creation");
        KeysOf(world, byWeight).Should().Equal(weightFirst, "sort_weight=asc then sort_created=asc, ties by id ascending: {0}", byWeight);

        var createdFirst = rows.OrderBy(r => r.Created).ThenBy(r => r.Weight).ThenBy(r => r.Id).Select(r => r.Key).ToArray();
        var byCreated = (await ListAsync(Viewer, ("datastore", world.DatastoreId), ("sort_created", "asc"), ("sort_weight", "asc"))).ShouldSucceed("sorting by creation, then weight");
        KeysOf(world, byCreated).Should().Equal(createdFirst, "sort_created=asc then sort_weight=asc, ties by id ascending: {0}", byCreated);
    }
}
