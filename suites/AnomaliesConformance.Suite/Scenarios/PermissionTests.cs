using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Scenarios;

[OnExistingData]
[Effect(CheckEffect.ReversibleWrite)]
public sealed class PermissionTests : ConformanceTest
{
    // The page names no status for a refusal: these MUST checks accept any 4xx and judge that nothing was
    // served or changed; the exact 403 is PERM-DENIED-403's.

    [Test]
    [Rule("PERM-READ-VIEWER")]
    [Effect(CheckEffect.Read)]
    public async Task Reading_an_anomaly_needs_viewer_on_its_datastore()
    {
        var world = await ProvisionOneAsync();
        var id = world["a"].Id;

        (await GetAnomalyAsync(As("member-reporter"), id)).ShouldBeRefused("for a Reporter: reads need Viewer");
        (await GetAnomalyAsync(As("member-none"), id)).ShouldBeRefused("for a member without any permission on the datastore");
        (await HistoryAsync(As("member-reporter"), id)).ShouldBeRefused("for a Reporter reading history");
        (await GetAnomalyAsync(As("member-viewer"), id)).ShouldSucceed("for a Viewer");
    }

    [TestCase("member-viewer")]
    [TestCase("member-drafter")]
    [Rule("PERM-WRITE-AUTHOR")]
    public async Task Updating_needs_author_and_a_denied_update_changes_nothing(string role)
    {
        var world = await ProvisionOneAsync(new() { Status = "Active", Tags = ["Keep"] });
        var anomaly = world["a"];
        var before = await StateAsync(anomaly);

        (await PutAsync(As(role), anomaly.Id, """{"status": "Acknowledged"}""")).ShouldBeRefused($"for {role}: updates need Author");
        (await PatchAsync(As(role), $$"""[{"id": {{anomaly.Id}}, "tags": []}]""")).ShouldBeRefused($"for {role}: bulk updates need Author on each datastore");

        await ShouldBeUnchangedAsync(anomaly, before, "a denied update changes nothing");
        var allowed = (await PutAsync(As("member-author"), anomaly.Id, """{"status": "Acknowledged"}""")).ShouldSucceed("for an Author");
        (await SnapshotAsync(anomaly)).Status().Should().Be("Acknowledged", "the Author's update is applied: {0}", allowed);
    }

    [Test]
    [Rule("PERM-DESCRIPTION-EDITOR")]
    public async Task Description_edits_need_editor()
    {
        var world = await ProvisionAsync(b => b.Anomaly("alone", new() { Description = "original description" }).Anomaly("mixed", new() { Description = "original description" }));
        var before = await StateAsync(world["alone"]);

        (await PutAsync(As("member-author"), world["alone"].Id, """{"description": "author's edit"}""")).ShouldBeRefused("for an Author editing the description (it needs Editor)");
        await ShouldBeUnchangedAsync(world["alone"], before, "the Author's description edit is refused");
        // Whether the other fields of a mixed body are applied is UPDATE-REFUSED-WHOLE's; the description never is.
        var mixed = await PutAsync(As("member-author"), world["mixed"].Id, """{"status": "Acknowledged", "description": "author's edit"}""");
        (await SnapshotAsync(world["mixed"])).Description().Should().Be("original description", "an Author cannot change the description, not even beside fields it may change: {0}", mixed);

        var allowed = (await PutAsync(As("member-editor"), world["alone"].Id, """{"description": "editor's edit"}""")).ShouldSucceed("for an Editor");
        (await SnapshotAsync(world["alone"])).Description().Should().Be("editor's edit", "the Editor's description is applied: {0}", allowed);
    }

    [Test]
    [Rule("UPDATE-REFUSED-WHOLE")]
    public async Task A_put_refused_for_one_field_changes_none_of_the_others()
    {
        var world = await ProvisionOneAsync(new() { Status = "Active", Description = "original description" });
        var before = await StateAsync(world["a"]);

        var mixed = await PutAsync(As("member-author"), world["a"].Id, """{"status": "Acknowledged", "description": "author's edit"}""");
        Precondition(IsRefusal(mixed), "an Author's description edit being refused", "PERM-DESCRIPTION-EDITOR", mixed);

        await ShouldBeUnchangedAsync(world["a"], before, $"the status in the same body is not applied either ({mixed.Summary})");
    }

    [Test]
    [Rule("PERM-DELETE-AUTHOR")]
    [Effect(CheckEffect.Destructive)]
    public async Task Archiving_needs_author_and_a_denied_archive_changes_nothing()
    {
        var world = await ProvisionAsync(b => b.Anomaly("open").Anomaly("archived", new() { Status = "Resolved" }));
        var before = await StatesAsync(world);
        var drafter = As("member-drafter");

        (await DeleteAsync(drafter, world["open"].Id, "?archive=true&status=Resolved")).ShouldBeRefused("for a Drafter: archive needs Author");
        (await BulkDeleteAsync(drafter, $$"""[{"id": {{world["open"].Id}}, "archive": true, "status": "Resolved"}]""")).ShouldBeRefused("for a Drafter in bulk");
        (await DeleteAsync(drafter, world["archived"].Id, "?archive=false")).ShouldBeRefused("for a Drafter hard-deleting: it needs Author too");
        await ShouldBeUnchangedAsync(world, before, "a denied archive or hard delete changes nothing");

        var allowed = (await DeleteAsync(As("member-author"), world["open"].Id, "?archive=true&status=Resolved")).ShouldSucceed("for an Author");
        (await SnapshotAsync(world["open"])).Status().Should().Be("Resolved", "the Author's archive is applied: {0}", allowed);
    }

    [Test]
    [Rule("PERM-TICKET-LINK-MANAGER")]
    public async Task Ticket_link_writes_need_the_manager_role()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Integration("jira"));
        var anomaly = world["a"];
        var body = $$"""{"integration_id": {{world.Integrations["jira"]}}, "ticket_id": "sys-1", "ticket_number": "INC0001", "status": "New"}""";

        (await CreateLinkAsync(As("member-author"), anomaly.Id, body)).ShouldBeRefused("for a Member with Author: ticket-link writes need the Manager role");
        (await CreateLinkAsync(As("manager-viewer"), anomaly.Id, body)).ShouldBeRefused("for a Manager with only Viewer: ticket-link writes need Author too");
        (await LinkIdsAsync(anomaly)).Should().BeEmpty("the denied creates linked nothing");

        (await CreateLinkAsync(As("manager-author"), anomaly.Id, body)).ShouldSucceed("for a Manager with Author");
        var links = await LinkIdsAsync(anomaly);
        links.Should().ContainSingle("the Manager's create links the ticket");
        (await DeleteLinkAsync(As("member-author"), anomaly.Id, links[0])).ShouldBeRefused("for a Member deleting a link");
        (await LinkIdsAsync(anomaly)).Should().Equal(links, "the denied delete removed nothing");
    }

    [Test]
    [Rule("PERM-BULK-AUTHOR-EACH")]
    [Effect(CheckEffect.Destructive)]
    public async Task A_bulk_write_needs_author_on_the_datastore_of_every_entry()
    {
        var authored = await ProvisionAsync(b => b.Anomaly("a").Anomaly("c"));
        // member-author holds only Reporter here; manager-author keeps Author on both datastores.
        var reported = await ProvisionAsync(b => b.Anomaly("b").Anomaly("gone", new() { Status = "Resolved" }).Grant("member-author", "Reporter"));
        var (a, bAnomaly) = (authored["a"], reported["b"]);
        var before = await StatesAsync(reported);

        // The PATCH names the forbidden entry first and the DELETE names it last, so a server that checks
        // only one end of the batch is caught either way. Whether the permitted entries are applied is
        // BULK-ATOMIC's choice; the forbidden ones never are, hard-delete entries included.
        var patch = $$"""[{"id": {{bAnomaly.Id}}, "status": "Acknowledged"}, {"id": {{a.Id}}, "status": "Acknowledged"}]""";
        (await PatchAsync(As("member-author"), patch)).ShouldBeRefused("for a caller with Author on only one of the two datastores");
        var delete = $$"""[{"id": {{authored["c"].Id}}, "archive": true, "status": "Resolved"}, {"id": {{bAnomaly.Id}}, "archive": true, "status": "Resolved"}]""";
        (await BulkDeleteAsync(As("member-author"), delete)).ShouldBeRefused("for a bulk archive by a caller with Author on only one of the two datastores");
        var hardDelete = $$"""[{"id": {{reported["gone"].Id}}, "archive": false}]""";
        (await BulkDeleteAsync(As("member-author"), hardDelete)).ShouldBeRefused("for a bulk hard delete by a caller with only Reporter on the datastore");
        await ShouldBeUnchangedAsync(reported, before, "a bulk entry on a datastore where the caller lacks Author changes nothing");

        var allowed = (await PatchAsync(As("manager-author"), patch)).ShouldSucceed("for a caller with Author on both datastores");
        (await SnapshotAsync(bAnomaly)).Status().Should().Be("Acknowledged", "with Author on every datastore the entries are applied: {0}", allowed);
    }

    [Test]
    [Rule("PERM-BULK-DESCRIPTION-EDITOR")]
    public async Task A_bulk_description_edit_needs_editor_on_each_entrys_datastore()
    {
        // member-author holds Editor on the first datastore and keeps only Author on the second.
        var edited = await ProvisionAsync(b => b.Anomaly("a", new() { Description = "first description" }).Grant("member-author", "Editor"));
        var authored = await ProvisionAsync(b => b.Anomaly("b", new() { Description = "second description" }));

        // One PATCH spanning both datastores: the Editor entry first, so a server that checks one entry only is caught.
        var spanning = await PatchAsync(As("member-author"), $$"""[{"id": {{edited["a"].Id}}, "description": "edited"}, {"id": {{authored["b"].Id}}, "description": "edited"}]""");
        (await SnapshotAsync(authored["b"])).Description().Should().Be("second description", "the caller holds only Author on the second entry's datastore, so its description is not changed: {0}", spanning);

        var before = await StateAsync(authored["b"]);
        (await PatchAsync(As("member-author"), $$"""[{"id": {{authored["b"].Id}}, "description": "edited"}]""")).ShouldBeRefused("for a description entry on the datastore where the caller holds only Author");
        await ShouldBeUnchangedAsync(authored["b"], before, "the refused entry changes nothing");

        var allowed = (await PatchAsync(As("member-author"), $$"""[{"id": {{edited["a"].Id}}, "description": "edited again"}]""")).ShouldSucceed("for a description entry on the datastore where the same caller holds Editor");
        (await SnapshotAsync(edited["a"])).Description().Should().Be("edited again", "the Editor's bulk description is applied: {0}", allowed);
    }

    [Test]
    [Rule("PERM-DENIED-403")]
    [Effect(CheckEffect.Destructive)]
    public async Task A_caller_without_the_permission_is_answered_403()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Integration("jira"));
        var id = world["a"].Id;

        var answers = new (string Who, ApiResponse Answer)[]
        {
            ("a Reporter reading an anomaly", await GetAnomalyAsync(As("member-reporter"), id)),
            ("a member without permission on the datastore", await GetAnomalyAsync(As("member-none"), id)),
            ("a Viewer updating", await PutAsync(As("member-viewer"), id, """{"status": "Acknowledged"}""")),
            ("an Author editing the description", await PutAsync(As("member-author"), id, """{"description": "x"}""")),
            ("a Drafter archiving", await DeleteAsync(As("member-drafter"), id, "?archive=true&status=Resolved")),
            ("an Author asking for masked values", await SourceRecordsAsync(As("member-author"), id, "?include_masked=true")),
            ("a Member linking a ticket", await CreateLinkAsync(As("member-author"), id, $$"""{"integration_id": {{world.Integrations["jira"]}}, "ticket_id": "1", "ticket_number": "1", "status": "New"}""")),
        };

        // Which code: whether each is refused at all is the PERM-* rule of that permission's.
        ResponseAssertions.Precondition(answers.All(a => IsRefusal(a.Answer)), "every one of these requests being refused", "the PERM-* rule of each permission", [.. answers.Select(a => a.Answer)]);
        foreach (var (who, answer) in answers)
        {
            answer.ShouldHaveStatus(403, $"for {who}");
        }
    }

    [Test]
    [Rule("PERM-ADMIN-BYPASS")]
    [Effect(CheckEffect.Read)]
    public async Task An_admin_without_any_team_permission_sees_the_datastore_anomalies_in_the_list()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b"));

        var listed = (await ListAsync(Admin, ("datastore", world.DatastoreId))).ShouldSucceed("listing as Admin");

        listed.ListItems().Select(a => a.Id()).Should().BeEquivalentTo(
            [world["a"].Id, world["b"].Id], "Admin bypasses team permissions, so it sees every anomaly of a datastore it holds no permission on: {0}", listed);
        (await GetAnomalyAsync(Admin, world["a"].Id)).ShouldSucceed("reading one anomaly as Admin");
    }

    [Test]
    [Rule("LIST-SCOPED-TO-VISIBLE")]
    [Effect(CheckEffect.Read)]
    public async Task The_list_never_includes_anomalies_from_datastores_the_caller_cannot_see()
    {
        // A fingerprint of this test alone, shared across the visible and the hidden datastore.
        var fingerprint = 2_000_000_000_000L + StableSeed.For(Run.Settings.Seed, TestContext.CurrentContext.Test.FullName);
        var visible = await ProvisionAsync(b => b.Anomaly("v", new() { Fingerprint = fingerprint }).Anomaly("twin", new() { Fingerprint = fingerprint }));
        // This world's datastore is hidden from member-viewer; every other cast member keeps their grant.
        var hidden = await ProvisionAsync(b => b.Anomaly("a", new() { Fingerprint = fingerprint }).Anomaly("b").Grant("member-viewer", null));

        var named = (await ListAsync(As("member-viewer"), ("datastore", visible.DatastoreId), ("datastore", hidden.DatastoreId), ("size", 100)))
            .ShouldSucceed("listing a visible and a hidden datastore");
        named.ListItems().Select(a => a.Id()).Should().BeEquivalentTo(
            [visible["v"].Id, visible["twin"].Id], "member-viewer has no permission on datastore {0}, so naming it in datastore= reveals nothing: {1}", hidden.DatastoreId, named);

        var bySearch = (await ListAsync(As("member-viewer"), ("search", hidden["a"].Uuid))).ShouldSucceed("searching by uuid");
        bySearch.ListItems().Should().BeEmpty("a search must not reveal an anomaly the caller cannot see: {0}", bySearch);

        var related = (await ListAsync(As("member-viewer"), ("related_to_id", visible["v"].Id), ("size", 100))).ShouldSucceed("listing the anomalies related to a visible one");
        related.ListItems().Select(a => a.Id()).Should().NotContain(hidden["a"].Id, "related_to_id does not reveal a related anomaly in a datastore the caller cannot see: {0}", related);

        var seen = (await ListAsync(As("member-author"), ("datastore", hidden.DatastoreId), ("size", 100))).ShouldSucceed("for a user with a grant");
        seen.ListItems().Select(a => a.Id()).Should().BeEquivalentTo([hidden["a"].Id, hidden["b"].Id], "the author sees both anomalies of the datastore: {0}", seen);
    }
}
