using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Core.Running;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.Suite.Scenarios;

public sealed partial class ListTests
{
    /// <summary>
    /// Lists the world sorted by one parameter, both ways, and expects the order the specs give. The values
    /// are distinct, so the order is fixed without the tie-break (LIST-SORT-MULTIPLE checks that).
    /// </summary>
    private static async Task ShouldSortAsync(World world, string parameter, Func<AnomalySpec, IComparable?> key)
    {
        // Nulls sort first ascending and last descending (contract-choices.md).
        var ascending = world.Specs.OrderBy(s => key(s.Value) is null ? 0 : 1).ThenBy(s => key(s.Value)).Select(s => s.Key).ToArray();
        foreach (var (direction, expected) in new[] { ("asc", ascending), ("desc", Enumerable.Reverse(ascending).ToArray()) })
        {
            var response = (await ListAsync(Viewer, ("datastore", world.DatastoreId), (parameter, direction))).ShouldHaveStatus(200, $"sorting by {parameter}={direction}");
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
            var response = (await ListAsync(Viewer, ("datastore", world.DatastoreId), ("sort_id", direction))).ShouldHaveStatus(200, $"sorting by sort_id={direction}");
            KeysOf(world, response).Should().Equal(expected, "sort_id={0} orders the items by id: {1}", direction, response);
        }
    }

    [Test]
    [Rule("LIST-SORT-CREATED")]
    public async Task Sort_created_orders_by_creation_both_ways()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("second", Created(Day.AddHours(1)))
            .Anomaly("first", Created(Day))
            .Anomaly("fourth", Created(Day.AddHours(3)))
            .Anomaly("third", Created(Day.AddHours(2))));

        await ShouldSortAsync(world, "sort_created", s => s.Created);
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
    public async Task Sort_anomalous_records_count_orders_by_count_with_nulls_first_ascending()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("count-5", new() { AnomalousRecordsCount = 5 })
            .Anomaly("no-count", new() { AnomalousRecordsCountIsNull = true })
            .Anomaly("count-500", new() { AnomalousRecordsCount = 500 })
            .Anomaly("count-50", new() { AnomalousRecordsCount = 50 }));

        await ShouldSortAsync(world, "sort_anomalous_records_count", s => s.AnomalousRecordsCountIsNull ? null : s.AnomalousRecordsCount);
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
        var byWeight = (await ListAsync(Viewer, ("datastore", world.DatastoreId), ("sort_weight", "asc"), ("sort_created", "asc"))).ShouldHaveStatus(200, "sorting by weight, then creation");
        KeysOf(world, byWeight).Should().Equal(weightFirst, "sort_weight=asc then sort_created=asc, ties by id ascending: {0}", byWeight);

        var createdFirst = rows.OrderBy(r => r.Created).ThenBy(r => r.Weight).ThenBy(r => r.Id).Select(r => r.Key).ToArray();
        var byCreated = (await ListAsync(Viewer, ("datastore", world.DatastoreId), ("sort_created", "asc"), ("sort_weight", "asc"))).ShouldHaveStatus(200, "sorting by creation, then weight");
        KeysOf(world, byCreated).Should().Equal(createdFirst, "sort_created=asc then sort_weight=asc, ties by id ascending: {0}", byCreated);
    }
}
