using AnomaliesConformance.Core.Running;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.Suite.Scenarios;

public sealed class PermissionTests : ConformanceTest
{
    [Test]
    [Rule("PERM-READ-VIEWER")]
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
    [Rule("LIST-SCOPED-TO-VISIBLE")]
    public async Task The_list_never_includes_anomalies_from_datastores_the_caller_cannot_see()
    {
        // This world's datastore is hidden from member-viewer; every other cast member keeps their grant.
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b").Grant("member-viewer", null));

        var hidden = (await ListAsync(As("member-viewer"), ("datastore", world.DatastoreId), ("size", 100))).ShouldHaveStatus(200, "listing is allowed to every Member");
        hidden.Object.Items().Should().BeEmpty("member-viewer has no permission on datastore {0}: {1}", world.DatastoreId, hidden);

        var bySearch = (await ListAsync(As("member-viewer"), ("search", world["a"].Uuid))).ShouldHaveStatus(200, "searching by uuid");
        bySearch.Object.Items().Should().BeEmpty("a search must not reveal an anomaly the caller cannot see: {0}", bySearch);

        var visible = (await ListAsync(As("member-author"), ("datastore", world.DatastoreId), ("size", 100))).ShouldHaveStatus(200, "for a user with a grant");
        visible.Object.Items().Should().HaveCount(2, "the author sees both anomalies of the datastore: {0}", visible);
    }
}
