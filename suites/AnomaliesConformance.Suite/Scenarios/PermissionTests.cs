using AnomaliesConformance.Core.Running;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.Suite.Scenarios;

[Effect(CheckEffect.ReversibleWrite)]
public sealed class PermissionTests : ConformanceTest
{
    [Test]
    [Rule("PERM-READ-VIEWER")]
    [Effect(CheckEffect.Read)]
    public async Task Reading_an_anomaly_needs_viewer_on_its_datastore()
    {
        var world = await ProvisionOneAsync();
        var id = world["a"].Id;

        (await GetAnomalyAsync(As("member-reporter"), id)).ShouldHaveStatus(403, "for a Reporter: reads need Viewer").ShouldHaveDetail();
        (await GetAnomalyAsync(As("member-none"), id)).ShouldHaveStatus(403, "for a member without any permission on the datastore").ShouldHaveDetail();
        (await Api.GetAsync(As("member-reporter"), $"/api/anomalies/{id}/history")).ShouldHaveStatus(403, "for a Reporter reading history");
        (await GetAnomalyAsync(As("member-viewer"), id)).ShouldHaveStatus(200, "for a Viewer");
    }

    [TestCase("member-viewer")]
    [TestCase("member-drafter")]
    [Rule("PERM-WRITE-AUTHOR")]
    public async Task Updating_needs_author_and_a_denied_update_changes_nothing(string role)
    {
        var world = await ProvisionOneAsync(new() { Status = "Active", Tags = ["Keep"] });
        var id = world["a"].Id;
        var before = await SnapshotAsync(world["a"]);

        (await PutAsync(As(role), id, """{"status": "Acknowledged"}""")).ShouldHaveStatus(403, $"for {role}: updates need Author").ShouldHaveDetail();
        (await PatchAsync(As(role), $$"""[{"id": {{id}}, "tags": []}]""")).ShouldHaveStatus(403, $"for {role}: bulk updates need Author on each datastore");

        (await SnapshotAsync(world["a"])).ToJsonString().Should().Be(before.ToJsonString(), "a denied update must change nothing");
        (await PutAsync(As("member-author"), id, """{"status": "Acknowledged"}""")).ShouldHaveStatus(200, "for an Author");
    }

    [Test]
    [Rule("PERM-DESCRIPTION-EDITOR")]
    public async Task Description_edits_need_editor_and_a_mixed_body_from_an_author_changes_nothing()
    {
        var world = await ProvisionOneAsync(new() { Description = "original description" });
        var id = world["a"].Id;
        var before = await SnapshotAsync(world["a"]);

        var denied = await PutAsync(As("member-author"), id, """{"status": "Acknowledged", "description": "author's edit"}""");
        denied.ShouldHaveStatus(403, "for an Author editing the description (it needs Editor)").ShouldHaveDetail();
        (await SnapshotAsync(world["a"])).ToJsonString().Should().Be(before.ToJsonString(), "the status in the same body must not be applied either");

        var allowed = await PutAsync(As("member-editor"), id, """{"description": "editor's edit"}""");
        allowed.ShouldHaveStatus(200, "for an Editor");
        allowed.Object.Description().Should().Be("editor's edit", "the Editor's description is applied: {0}", allowed);
    }

    [Test]
    [Rule("PERM-DELETE-AUTHOR")]
    [Effect(CheckEffect.Destructive)]
    public async Task Archiving_needs_author_and_a_denied_archive_changes_nothing()
    {
        var world = await ProvisionOneAsync();
        var id = world["a"].Id;
        var before = await SnapshotAsync(world["a"]);

        (await DeleteAsync(As("member-drafter"), id, "?archive=true&status=Resolved")).ShouldHaveStatus(403, "for a Drafter: archive needs Author").ShouldHaveDetail();
        (await BulkDeleteAsync(As("member-drafter"), $$"""[{"id": {{id}}, "archive": true, "status": "Resolved"}]""")).ShouldHaveStatus(403, "for a Drafter in bulk");
        (await SnapshotAsync(world["a"])).ToJsonString().Should().Be(before.ToJsonString(), "a denied archive must change nothing");

        (await DeleteAsync(As("member-author"), id, "?archive=true&status=Resolved")).ShouldHaveStatus(204, "for an Author");
    }

    [Test]
    [Rule("PERM-TICKET-LINK-MANAGER")]
    public async Task Ticket_link_writes_need_the_manager_role()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Integration("jira"));
        var id = world["a"].Id;
        var body = $$"""{"integration_id": {{world.Integrations["jira"]}}, "ticket_id": "sys-1", "ticket_number": "INC0001", "status": "New"}""";

        (await Api.SendAsync(As("member-author"), HttpMethod.Post, $"/api/anomalies/{id}/ticket-links", body))
            .ShouldHaveStatus(403, "for a Member with Author: ticket-link writes need the Manager role").ShouldHaveDetail();
        var links = (await Api.GetAsync(As("member-viewer"), $"/api/anomalies/{id}/ticket-links")).ShouldHaveStatus(200, "listing links");
        links.Array.Should().BeEmpty("the denied create must not have linked anything: {0}", links);

        var created = (await Api.SendAsync(As("manager-author"), HttpMethod.Post, $"/api/anomalies/{id}/ticket-links", body))
            .ShouldHaveStatus(201, "for a Manager with Author");
        var linkId = created.Object.Id();
        (await Api.SendAsync(As("member-author"), HttpMethod.Delete, $"/api/anomalies/{id}/ticket-links/{linkId}"))
            .ShouldHaveStatus(403, "for a Member deleting a link");
    }

    [Test]
    [Rule("PERM-BULK-AUTHOR-EACH")]
    [Effect(CheckEffect.Destructive)]
    public async Task A_bulk_write_needs_author_on_every_entry_datastore_and_one_forbidden_entry_changes_nothing()
    {
        var authored = await ProvisionAsync(b => b.Anomaly("a"));
        // member-author holds only Reporter here; manager-author keeps Author on both datastores.
        var reported = await ProvisionAsync(b => b.Anomaly("b").Grant("member-author", "Reporter"));
        var (a, bAnomaly) = (authored["a"], reported["b"]);
        var before = (await SnapshotAsync(a)).ToJsonString() + (await SnapshotAsync(bAnomaly)).ToJsonString();

        // The PATCH names the forbidden entry first and the DELETE names it last, so a server that checks
        // only one end of the batch is caught either way.
        var patch = $$"""[{"id": {{bAnomaly.Id}}, "status": "Acknowledged"}, {"id": {{a.Id}}, "status": "Acknowledged"}]""";
        (await PatchAsync(As("member-author"), patch)).ShouldHaveStatus(403, "for a caller with Author on only one of the two datastores");
        var delete = $$"""[{"id": {{a.Id}}, "archive": true, "status": "Resolved"}, {"id": {{bAnomaly.Id}}, "archive": true, "status": "Resolved"}]""";
        (await BulkDeleteAsync(As("member-author"), delete)).ShouldHaveStatus(403, "for a bulk archive by a caller with Author on only one of the two datastores");
        ((await SnapshotAsync(a)).ToJsonString() + (await SnapshotAsync(bAnomaly)).ToJsonString())
            .Should().Be(before, "a bulk write refused for one entry changes no anomaly, the permitted entry's included");

        (await PatchAsync(As("manager-author"), patch)).ShouldHaveStatus(200, "for a caller with Author on both datastores");
    }

    [Test]
    [Rule("PERM-BULK-DESCRIPTION-EDITOR")]
    public async Task A_bulk_description_edit_needs_editor_on_that_entry_datastore()
    {
        // member-author holds Editor on the first datastore and keeps only Author on the second.
        var edited = await ProvisionAsync(b => b.Anomaly("a", new() { Description = "first description" }).Grant("member-author", "Editor"));
        var authored = await ProvisionAsync(b => b.Anomaly("b", new() { Description = "second description" }));
        var before = await SnapshotAsync(authored["b"]);

        var denied = await PatchAsync(As("member-author"), $$"""[{"id": {{authored["b"].Id}}, "status": "Acknowledged", "description": "edited"}]""");
        denied.ShouldHaveStatus(403, "for a description entry on the datastore where the caller holds only Author");
        (await SnapshotAsync(authored["b"])).ToJsonString().Should().Be(before.ToJsonString(), "the refused entry changes nothing, its status included");

        var allowed = await PatchAsync(As("member-author"), $$"""[{"id": {{edited["a"].Id}}, "description": "edited"}]""");
        allowed.ShouldHaveStatus(200, "for a description entry on the datastore where the same caller holds Editor");
    }

    [Test]
    [Rule("PERM-ADMIN-BYPASS")]
    [Effect(CheckEffect.Read)]
    public async Task An_admin_without_any_team_permission_sees_the_datastore_anomalies_in_the_list()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b"));

        var listed = (await ListAsync(Admin, ("datastore", world.DatastoreId))).ShouldHaveStatus(200, "listing as Admin");

        listed.Object.Items().Select(a => a.Id()).Should().BeEquivalentTo(
            [world["a"].Id, world["b"].Id], "Admin bypasses team permissions, so it sees every anomaly of a datastore it holds no permission on: {0}", listed);
        (await GetAnomalyAsync(Admin, world["a"].Id)).ShouldHaveStatus(200, "reading one anomaly as Admin");
    }

    [Test]
    [Rule("LIST-SCOPED-TO-VISIBLE")]
    [Effect(CheckEffect.Read)]
    public async Task The_list_never_includes_anomalies_from_datastores_the_caller_cannot_see()
    {
        var visible = await ProvisionAsync(b => b.Anomaly("v"));
        // This world's datastore is hidden from member-viewer; every other cast member keeps their grant.
        var hidden = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b").Grant("member-viewer", null));

        var named = (await ListAsync(As("member-viewer"), ("datastore", visible.DatastoreId), ("datastore", hidden.DatastoreId), ("size", 100)))
            .ShouldHaveStatus(200, "listing a visible and a hidden datastore");
        named.Object.Items().Select(a => a.Id()).Should().Equal(
            [visible["v"].Id], "member-viewer has no permission on datastore {0}, so naming it in datastore= reveals nothing: {1}", hidden.DatastoreId, named);

        var bySearch = (await ListAsync(As("member-viewer"), ("search", hidden["a"].Uuid))).ShouldHaveStatus(200, "searching by uuid");
        bySearch.Object.Items().Should().BeEmpty("a search must not reveal an anomaly the caller cannot see: {0}", bySearch);

        var seen = (await ListAsync(As("member-author"), ("datastore", hidden.DatastoreId), ("size", 100))).ShouldHaveStatus(200, "for a user with a grant");
        seen.Object.Items().Select(a => a.Id()).Should().BeEquivalentTo([hidden["a"].Id, hidden["b"].Id], "the author sees both anomalies of the datastore: {0}", seen);
    }
}
