using System.Text.Json.Nodes;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core.Provisioning;

namespace AnomaliesConformance.Suite.Scenarios;

[OnExistingData]
[Effect(CheckEffect.Read)]
public sealed class RetrieveTests : ConformanceTest
{
    [Test]
    [Rule("GET-BY-ID")]
    public async Task Get_by_numeric_id_returns_that_anomaly()
    {
        // Two neighbours, so a server that answers the wrong record is caught.
        foreach (var anomaly in await ReadOnlyAnomaliesAsync(2))
        {
            var response = (await GetAnomalyAsync(As("member-viewer"), anomaly.Id)).ShouldSucceed("for an anomaly the viewer can see");
            response.Object.Id().Should().Be(anomaly.Id, "GET /api/anomalies/{{id}} must answer the anomaly it names: {0}", response);
            Read.RequiredString(response.Object, "uuid", "the anomaly", response).Should().BeEquivalentTo(anomaly.Uuid, "the uuid belongs to the requested anomaly: {0}", response);
        }
    }

    [Test]
    [Rule("GET-BY-UUID")]
    public async Task Get_by_uuid_returns_the_same_anomaly_as_by_numeric_id()
    {
        var anomaly = (await ReadOnlyAnomaliesAsync(1))[0];

        var byUuid = (await GetAnomalyAsync(As("member-viewer"), anomaly.Uuid)).ShouldSucceed("by UUID, which {id} accepts");

        byUuid.Object.Id().Should().Be(anomaly.Id, "the UUID names anomaly {0}: {1}", anomaly.Id, byUuid);
        byUuid.Object.Uuid().Should().BeEquivalentTo(anomaly.Uuid, "the answer is the anomaly of that UUID: {0}", byUuid);
    }

    [Test]
    [Rule("GET-UUID-ANY-CASE")]
    public async Task The_upper_case_uuid_answers_the_same_anomaly_as_the_lower_case_one()
    {
        var anomaly = (await ReadOnlyAnomaliesAsync(1))[0];
        var lower = await GetAnomalyAsync(As("member-viewer"), anomaly.Uuid.ToLowerInvariant());
        Precondition(lower.Status is >= 200 and <= 299 && lower.Json is JsonObject found && found.Id() == anomaly.Id, "GET by the lower-case UUID answering the anomaly", "GET-BY-UUID");

        var upper = (await GetAnomalyAsync(As("member-viewer"), anomaly.Uuid.ToUpperInvariant()))
            .ShouldSucceed("for the upper-case UUID: a UUID's hex digits are case-insensitive");

        upper.Object.Id().Should().Be(anomaly.Id, "the upper-case UUID names the same anomaly: {0}", upper);
    }

    [Test]
    [Rule("GET-ID-FORMS-EVERY-PATH")]
    [Effect(CheckEffect.Destructive)]
    public async Task Every_per_anomaly_path_answers_the_same_by_numeric_id_and_by_uuid()
    {
        // Every path answers something of "read" (a comment, a history entry, its checks and rows); "write" and
        // "archive" are open, and nothing else of them matters.
        var world = await ProvisionAsync(b => b
            .Anomaly("read", new() { Comments = [new("member-viewer", "seen", new DateTimeOffset(2026, 4, 2, 8, 0, 0, TimeSpan.Zero))] })
            .Anomaly("write")
            .Anomaly("archive")
            .Integration("jira")
            .OnExisting(ExistingNeeds.CommentedAndTwoOpen));
        var read = world["read"];
        var viewer = As("member-viewer");

        string[] paths = ["failed-checks", "history", "comments", "source-record", "source-record/download", "ticket-links"];
        var answers = await GetTogetherAsync(viewer, paths.SelectMany(path => new[] { $"/api/anomalies/{read.Id}/{path}", $"/api/anomalies/{read.Uuid}/{path}" }));
        foreach (var (path, i) in paths.Select((path, i) => (path, i)))
        {
            var byId = answers[2 * i].ShouldSucceed($"for {path} by numeric id");
            var byUuid = answers[(2 * i) + 1].ShouldSucceed($"for {path} by UUID, which {{id}} accepts on every path");
            byUuid.Body.Should().Be(byId.Body, "{0} by UUID answers what it answers by numeric id: {1}", path, byUuid);
        }

        var put = await PutAsync(As("member-editor"), world["write"].Uuid, """{"description": "written through the uuid"}""");
        put.ShouldSucceed("for PUT by UUID");
        (await SnapshotAsync(world["write"])).Description().Should().Be("written through the uuid", "PUT by UUID updates that anomaly: {0}", put);

        var delete = await DeleteAsync(As("member-author"), world["archive"].Uuid, "?archive=true&status=Resolved");
        delete.ShouldSucceed("for DELETE (archive) by UUID");
        (await SnapshotAsync(world["archive"])).Status().Should().Be("Resolved", "DELETE by UUID archives that anomaly: {0}", delete);

        var linksBefore = await LinkIdsAsync(read);
        var created = (await CreateLinkAsync(As("manager-author"), read.Uuid, $$"""{"integration_id": {{world.Integrations["jira"]}}, "ticket_id": "by-uuid", "ticket_number": "INC1", "status": "New"}"""))
            .ShouldSucceed("for POST ticket-links by UUID");
        (await LinkIdsAsync(read)).Except(linksBefore).Should().ContainSingle("a link created by UUID belongs to that anomaly: {0}", created);
    }

    [Test]
    [Rule("GET-INCLUDE-DELETED")]
    public async Task Include_deleted_surfaces_a_soft_deleted_anomaly()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a", new() { SoftDeleted = true }).OnExisting(ExistingNeeds.SoftDeleted));
        var anomaly = world["a"];

        var response = (await GetAnomalyAsync(As("member-viewer"), anomaly.Id, "?include_deleted=true"))
            .ShouldSucceed("for a soft-deleted anomaly with include_deleted=true");

        response.Object.Id().Should().Be(anomaly.Id, "include_deleted=true surfaces the soft-deleted anomaly itself: {0}", response);
        response.Object.Uuid().Should().BeEquivalentTo(anomaly.Uuid, "the answer is the soft-deleted anomaly: {0}", response);
    }

    [Test]
    [Rule("GET-SOFT-DELETED-HIDDEN")]
    public async Task Without_include_deleted_a_soft_deleted_anomaly_answers_404()
    {
        var world = await ProvisionAsync(b => b.Anomaly("deleted", new() { SoftDeleted = true }).Anomaly("kept").OnExisting(ExistingNeeds.SoftDeletedBesideOpen));

        (await GetAnomalyAsync(As("member-viewer"), world["deleted"].Id)).ShouldHaveStatus(404, "for a soft-deleted anomaly without include_deleted");
        (await GetAnomalyAsync(As("member-viewer"), world["deleted"].Uuid, "?include_deleted=false")).ShouldHaveStatus(404, "for a soft-deleted anomaly with include_deleted=false");
        (await GetAnomalyAsync(As("member-viewer"), world["kept"].Id)).ShouldSucceed("for its neighbour that was never deleted");
    }

    [Test]
    [Rule("GET-ARCHIVED-VISIBLE")]
    public async Task An_archived_anomaly_is_answered_without_include_deleted()
    {
        var world = await ProvisionOneAsync(new() { Status = "Resolved" });
        var anomaly = world["a"];

        if (Expectation("archived_hidden_without_include_deleted") == "true")
        {
            (await GetAnomalyAsync(As("member-viewer"), anomaly.Id)).ShouldHaveStatus(404, "for an archived anomaly: the profile declares archived anomalies hidden without include_deleted");
            (await GetAnomalyAsync(As("member-viewer"), anomaly.Id, "?include_deleted=true")).ShouldSucceed("for an archived anomaly with include_deleted=true");
            return;
        }

        var response = (await GetAnomalyAsync(As("member-viewer"), anomaly.Id)).ShouldSucceed("for an archived anomaly: archive keeps it for audit");
        response.Object.Status().Should().Be("Resolved", "the archived anomaly shows its archived status: {0}", response);
    }

    [Test]
    [Rule("SOFT-DELETED-NOT-WRITABLE")]
    [Effect(CheckEffect.Destructive)]
    public async Task Writes_to_a_soft_deleted_anomaly_are_refused_and_change_nothing()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a", new() { SoftDeleted = true, Status = "Active" }).Integration("jira").OnExisting(ExistingNeeds.SacrificialSoftDeletedOpen));
        var anomaly = world["a"];
        // Its history is hidden like the anomaly itself; its fields are read with include_deleted.
        var surfaced = await GetAnomalyAsync(Admin, anomaly.Id, "?include_deleted=true");
        Precondition(surfaced.Status is >= 200 and <= 299 && surfaced.Json is System.Text.Json.Nodes.JsonObject found && found.Id() == anomaly.Id, "include_deleted=true surfacing the soft-deleted anomaly", "GET-INCLUDE-DELETED", surfaced);
        var before = AnomalyState.PageFields(await SnapshotAsync(anomaly));

        // Refused as for an id that names no anomaly; which code is ERRORS-UNKNOWN-ID-404's.
        (await PutAsync(As("member-author"), anomaly.Id, """{"status": "Acknowledged"}""")).ShouldBeRefused("for a PUT on a soft-deleted anomaly");
        (await DeleteAsync(As("member-author"), anomaly.Id, "?archive=true&status=Resolved")).ShouldBeRefused("for an archive of a soft-deleted anomaly");
        (await CreateLinkAsync(As("manager-author"), anomaly.Id, $$"""{"integration_id": {{world.Integrations["jira"]}}, "ticket_id": "1", "ticket_number": "1", "status": "New"}"""))
            .ShouldBeRefused("for a ticket link on a soft-deleted anomaly");

        JsonDiff.FirstDifference(before, AnomalyState.PageFields(await SnapshotAsync(anomaly))).Should().BeNull("a soft-deleted anomaly is not written");
    }
}
