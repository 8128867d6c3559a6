using AnomaliesConformance.Core.Running;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.Suite.Scenarios;

public sealed class ArchiveAndDeleteTests : ConformanceTest
{
    [Test]
    [Rule("ARCHIVE-DEFAULT-TRUE")]
    public async Task A_delete_without_the_archive_parameter_archives()
    {
        var world = await ProvisionOneAsync();
        var id = world["a"].Id;

        var response = await DeleteAsync(As("member-author"), id, "?status=Resolved");
        response.ShouldHaveStatus(204, "archive defaults to true, so this archives the open anomaly");

        var after = await SnapshotAsync(world["a"]);
        after.Status().Should().Be("Resolved", "the anomaly is archived, not removed: {0}", response);
    }

    [Test]
    [Rule("ARCHIVE-REQUIRES-STATUS")]
    public async Task Archiving_without_a_status_is_rejected_and_changes_nothing()
    {
        var world = await ProvisionOneAsync();
        var id = world["a"].Id;
        var before = await SnapshotAsync(world["a"]);

        (await DeleteAsync(As("member-author"), id, "?archive=true")).ShouldHaveStatus(422, "the status is required when archive=true").ShouldHaveDetail();

        (await SnapshotAsync(world["a"])).ToJsonString().Should().Be(before.ToJsonString(), "a rejected archive changes nothing");
    }

    [Test]
    [Rule("ARCHIVE-STATUS-QUERY-OR-BODY")]
    public async Task The_archive_status_may_be_given_in_the_body_instead_of_the_query()
    {
        var world = await ProvisionOneAsync();
        var id = world["a"].Id;

        var response = await DeleteAsync(As("member-author"), id, "?archive=true", """{"status": "Duplicate"}""");
        response.ShouldHaveStatus(204, "the body's status is as good as the query's");

        // Which archived status lands is ARCHIVE-SETS-STATUS's business; this rule is that the body is heard.
        (await SnapshotAsync(world["a"]))["archived"]?.GetValue<bool>().Should().BeTrue("an archive with the status only in the body archives: {0}", response);
    }

    [TestCase("Resolved")]
    [TestCase("Duplicate")]
    [TestCase("Invalid")]
    [TestCase("Discarded")]
    [Rule("ARCHIVE-SETS-STATUS")]
    public async Task Archiving_applies_the_requested_archived_status(string status)
    {
        var world = await ProvisionOneAsync();
        var id = world["a"].Id;

        var response = (await DeleteAsync(As("member-author"), id, $"?archive=true&status={status}")).ShouldHaveStatus(204, $"archiving as {status}");

        (await SnapshotAsync(world["a"])).Status().Should().Be(status, "the archived status asked for is the one applied: {0}", response);
    }

    [TestCase("Active")]
    [TestCase("Acknowledged")]
    [Rule("HARD-DELETE-ONLY-ARCHIVED")]
    public async Task Hard_delete_of_an_open_anomaly_is_refused_and_changes_nothing(string status)
    {
        var world = await ProvisionOneAsync(new() { Status = status });
        var id = world["a"].Id;
        var before = await SnapshotAsync(world["a"]);

        (await DeleteAsync(As("member-author"), id, "?archive=false")).ShouldHaveStatus(409, $"hard delete only works on archived anomalies, and this one is {status}").ShouldHaveDetail();
        (await BulkDeleteAsync(As("member-author"), $$"""[{"id": {{id}}, "archive": false}]""")).ShouldHaveStatus(409, "the same through bulk delete");

        (await SnapshotAsync(world["a"])).ToJsonString().Should().Be(before.ToJsonString(), "a refused hard delete changes nothing");
    }

    [Test]
    [Rule("HARD-DELETE-REMOVES")]
    public async Task Archive_then_hard_delete_removes_the_anomaly_for_good()
    {
        var world = await ProvisionOneAsync();
        var anomaly = world["a"];
        (await DeleteAsync(As("member-author"), anomaly.Id, "?archive=true&status=Resolved")).ShouldHaveStatus(204, "archiving first");

        (await DeleteAsync(As("member-author"), anomaly.Id, "?archive=false")).ShouldHaveStatus(204, "hard-deleting the archived anomaly");

        // Both address forms: each is checked not to answer the deleted anomaly (another anomaly answered by
        // a broken numeric lookup is GET-BY-ID's failure, not this rule's).
        (await GetAnomalyAsync(Admin, anomaly.Id)).ShouldNotBe(anomaly, "after the hard delete");
        (await GetAnomalyAsync(Admin, anomaly.Id, "?include_deleted=true")).ShouldNotBe(anomaly, "after the hard delete, even with include_deleted");
        (await GetAnomalyAsync(Admin, anomaly.Uuid, "?include_deleted=true")).ShouldNotBe(anomaly, "by UUID after the hard delete, even with include_deleted");
        (await HistoryAsync(Admin, anomaly.Id)).ShouldHaveStatus(404, "for the history of a hard-deleted anomaly");
        (await CommentsAsync(Admin, anomaly.Id, "?include_deleted=true")).ShouldHaveStatus(404, "for the comments of a hard-deleted anomaly");
        var listed = (await ListAsync(Admin, ("datastore", world.DatastoreId), ("archived", "include"))).ShouldHaveStatus(200, "listing with archived=include");
        listed.Object.Items().Should().BeEmpty("no list returns a hard-deleted anomaly: {0}", listed);
        (await DeleteAsync(As("member-author"), anomaly.Id, "?archive=false")).ShouldHaveStatus(404, "for a second hard delete");
    }
}
