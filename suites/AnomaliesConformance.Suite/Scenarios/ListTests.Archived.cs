using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core.Provisioning;

namespace AnomaliesConformance.Suite.Scenarios;

public sealed partial class ListTests
{
    [Test]
    [Rule("LIST-DEFAULT-EXCLUDES-ARCHIVED")]
    public async Task The_default_list_excludes_archived_anomalies()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("open", new() { Status = "Active" })
            .Anomaly("archived", new() { Status = "Resolved" }));

        await ShouldListExactlyAsync(world, ["open"], "archived anomalies leave the default list");
    }

    [Test]
    [Rule("LIST-ARCHIVED-INCLUDE")]
    public async Task Archived_include_lists_open_and_archived_anomalies_alike()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("active", new() { Status = "Active" })
            .Anomaly("acknowledged", new() { Status = "Acknowledged" })
            .Anomaly("resolved", new() { Status = "Resolved" })
            .Anomaly("discarded", new() { Status = "Discarded" }));

        await ShouldListExactlyAsync(world, ["active", "acknowledged", "resolved", "discarded"], "archived=include adds the archived anomalies", ("archived", "include"));
        await ShouldListExactlyAsync(world, ["resolved"], "status=Resolved with archived=include returns the Resolved ones", ("status", "Resolved"), ("archived", "include"));
    }

    [Test]
    [Rule("LIST-ARCHIVED-ONLY")]
    public async Task Archived_only_lists_every_archived_anomaly_and_no_open_one()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("active", new() { Status = "Active" })
            .Anomaly("acknowledged", new() { Status = "Acknowledged" })
            .Anomaly("resolved", new() { Status = "Resolved" })
            .Anomaly("duplicate", new() { Status = "Duplicate" })
            .Anomaly("invalid", new() { Status = "Invalid" })
            .Anomaly("discarded", new() { Status = "Discarded" }));

        await ShouldListExactlyAsync(world, ["resolved", "duplicate", "invalid", "discarded"], "archived=only restricts the list to archived anomalies", ("archived", "only"));
        await ShouldListExactlyAsync(world, ["duplicate"], "status=Duplicate with archived=only returns the Duplicate ones", ("status", "Duplicate"), ("archived", "only"));
    }

    [Test]
    [Rule("LIST-STATUS-ARCHIVED-NEEDS-ARCHIVED")]
    public async Task A_status_filter_naming_an_archived_status_does_not_lift_the_default_exclusion()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("active", new() { Status = "Active" })
            .Anomaly("resolved", new() { Status = "Resolved" })
            .Anomaly("duplicate", new() { Status = "Duplicate" }));
        (await SnapshotAsync(world["resolved"])).Status().Should().Be("Resolved", "precondition: the world holds a Resolved anomaly");

        await ShouldListExactlyAsync(world, [], "status=Resolved without archived= still excludes archived anomalies", ("status", "Resolved"));
        await ShouldListExactlyAsync(world, [], "status=Duplicate without archived= still excludes archived anomalies", ("status", "Duplicate"));
    }

    [Test]
    [Rule("LIST-EXCLUDES-DELETED")]
    [Effect(CheckEffect.Destructive)]
    public async Task Soft_and_hard_deleted_anomalies_are_never_listed()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("open")
            .Anomaly("archived", new() { Status = "Resolved" })
            .Anomaly("soft-deleted-open", new() { SoftDeleted = true })
            .Anomaly("soft-deleted-archived", new() { Status = "Resolved", SoftDeleted = true })
            .Anomaly("hard-deleted", new() { Status = "Resolved" })
            .OnExisting(ExistingNeeds.EveryKindOfDeletion));
        var hardDelete = await DeleteAsync(As("member-author"), world["hard-deleted"].Id, "?archive=false");
        ResponseAssertions.FailUnless(hardDelete.Status is >= 200 and <= 299, "expected the hard delete of an archived anomaly to succeed", hardDelete);
        string[] deleted = ["soft-deleted-open", "soft-deleted-archived", "hard-deleted"];

        foreach (var archived in new[] { "", "include", "only" })
        {
            // The whole filtered list: on existing data the datastore holds pages of other anomalies.
            var query = world.Datastores.Select(d => ("datastore", (object)d)).ToList();
            if (archived.Length > 0)
            {
                query.Add(("archived", archived));
            }

            var walk = await Read.WalkAsync(Api, Viewer, "/api/anomalies" + Query.String([.. query]), 100, Read.ListEnvelopeRule, maxPages: SharedListPages);
            KeysOf(world, walk.Items).Should().NotIntersectWith(deleted, "deleted anomalies never appear in the list (archived={0}): {1}", archived, walk.Answers[^1]);
        }
    }
}
