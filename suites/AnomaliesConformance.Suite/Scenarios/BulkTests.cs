using AnomaliesConformance.Core.Running;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.Suite.Scenarios;

public sealed class BulkTests : ConformanceTest
{
    [Test]
    [Rule("BULK-ATOMIC")]
    public async Task A_bulk_update_with_one_unknown_id_changes_nothing()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b"));
        var before = new[] { await SnapshotAsync(world["a"]), await SnapshotAsync(world["b"]) };

        var response = await PatchAsync(As("member-author"), $$"""
            [{"id": {{world["a"].Id}}, "status": "Acknowledged"}, {"id": 9999999999, "status": "Acknowledged"}, {"id": {{world["b"].Id}}, "status": "Acknowledged"}]
            """);

        response.ShouldHaveStatusIn([404, 422], "when one entry names an unknown anomaly").ShouldHaveDetail();
        (await SnapshotAsync(world["a"])).ToJsonString().Should().Be(before[0].ToJsonString(), "entry a must not be applied when the batch is rejected: {0}", response);
        (await SnapshotAsync(world["b"])).ToJsonString().Should().Be(before[1].ToJsonString(), "entry b must not be applied when the batch is rejected: {0}", response);
    }

    [Test]
    [Rule("BULK-ID-INT-OR-UUID")]
    public async Task Bulk_entries_accept_numeric_ids_and_uuids_in_the_same_batch()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b"));

        var response = await PatchAsync(As("member-author"), $$"""
            [{"id": {{world["a"].Id}}, "status": "Acknowledged"}, {"id": "{{world["b"].Uuid}}", "status": "Acknowledged"}]
            """);

        response.ShouldHaveStatus(200, "for a batch mixing a numeric id and a UUID");
        (await SnapshotAsync(world["a"])).Status().Should().Be("Acknowledged", "the entry by numeric id is applied: {0}", response);
        (await SnapshotAsync(world["b"])).Status().Should().Be("Acknowledged", "the entry by UUID is applied: {0}", response);
    }
}
