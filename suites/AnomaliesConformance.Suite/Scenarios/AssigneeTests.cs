using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Scenarios;

/// <summary>
/// assignee_ids is replace-only. Each scenario sends a set in one relation to the current one (partly
/// overlapping, a subset, a superset, disjoint, empty), so a server that appends, ignores removals or
/// toggles is caught by the rule about that relation.
/// </summary>
[OnExistingData]
[Effect(CheckEffect.ReversibleWrite)]
public sealed class AssigneeTests : ConformanceTest
{
    private static long Viewer => As("member-viewer").UserId!.Value;

    private static long Author => As("member-author").UserId!.Value;

    private static long Editor => As("member-editor").UserId!.Value;

    [Test]
    [Rule("ASSIGNEES-REPLACE")]
    public async Task Put_and_patch_replace_the_whole_set_and_the_same_set_twice_changes_nothing()
    {
        // Both start as {viewer, author}; the target {author, editor} keeps one, adds one and drops one.
        var world = await ProvisionAsync(b => b
            .Anomaly("put", new() { Assignees = ["member-viewer", "member-author"] })
            .Anomaly("patch", new() { Assignees = ["member-viewer", "member-author"] }));
        var body = $$"""{"assignee_ids": [{{Author}}, {{Editor}}]}""";

        var put = (await PutAsync(As("member-author"), world["put"].Id, body)).ShouldSucceed("for an Author replacing assignees");
        var patch = (await PatchAsync(As("member-author"), $$"""[{"id": {{world["patch"].Id}}, "assignee_ids": [{{Author}}, {{Editor}}]}]""")).ShouldSucceed("for a PATCH entry replacing assignees");

        (await SnapshotAsync(world["put"])).AssigneeIds().Should().Equal(new[] { Author, Editor }.Order(), "assignee_ids replaces the set, the viewer left out is unassigned: {0}", put);
        (await SnapshotAsync(world["patch"])).AssigneeIds().Should().Equal(new[] { Author, Editor }.Order(), "a PATCH entry's assignee_ids replaces the set: {0}", patch);

        var again = (await PutAsync(As("member-author"), world["put"].Id, body)).ShouldSucceed("for the same set sent twice");
        (await SnapshotAsync(world["put"])).AssigneeIds().Should().Equal(new[] { Author, Editor }.Order(), "sending the same set again changes nothing: {0}", again);
    }

    [Test]
    [Rule("ASSIGNEES-NO-APPEND")]
    public async Task A_subset_removes_the_others_and_a_new_user_alone_becomes_the_sole_assignee()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("subset-put", new() { Assignees = ["member-viewer", "member-author", "member-editor"] })
            .Anomaly("subset-patch", new() { Assignees = ["member-viewer", "member-author", "member-editor"] })
            .Anomaly("new-user", new() { Assignees = ["member-viewer", "member-author"] }));

        var subsetPut = (await PutAsync(As("member-author"), world["subset-put"].Id, $$"""{"assignee_ids": [{{Viewer}}]}""")).ShouldSucceed("for a subset by PUT");
        var subsetPatch = (await PatchAsync(As("member-author"), $$"""[{"id": {{world["subset-patch"].Id}}, "assignee_ids": [{{Viewer}}, {{Editor}}]}]""")).ShouldSucceed("for a subset by PATCH");
        var newUser = (await PutAsync(As("member-author"), world["new-user"].Id, $$"""{"assignee_ids": [{{Editor}}]}""")).ShouldSucceed("for a user not yet assigned");

        (await SnapshotAsync(world["subset-put"])).AssigneeIds().Should().Equal([Viewer], "only the users sent stay assigned: {0}", subsetPut);
        (await SnapshotAsync(world["subset-patch"])).AssigneeIds().Should().Equal(new[] { Viewer, Editor }.Order(), "only the users sent stay assigned: {0}", subsetPatch);
        (await SnapshotAsync(world["new-user"])).AssigneeIds().Should().Equal([Editor], "the API does not append: the user sent is the sole assignee: {0}", newUser);
    }

    [Test]
    [Rule("ASSIGNEES-UNION")]
    public async Task Submitting_the_current_assignees_plus_one_adds_that_user()
    {
        var world = await ProvisionOneAsync(new() { Assignees = ["member-viewer"] });
        var anomaly = world["a"];
        var current = (await SnapshotAsync(anomaly)).AssigneeIds();

        var union = current.Append(Author).Order().ToArray();
        var response = (await PutAsync(As("member-author"), anomaly.Id, $$"""{"assignee_ids": [{{string.Join(", ", union)}}]}""")).ShouldSucceed("for the union of the current set and one more user");

        (await SnapshotAsync(anomaly)).AssigneeIds().Should().Equal(union, "reading the set and submitting the union adds the user: {0}", response);
    }

    [Test]
    [Rule("ASSIGNEES-CLEAR")]
    public async Task Empty_assignee_ids_unassigns_everyone_through_put_and_patch()
    {
        // One anomaly, assigned and cleared twice: the check also runs on a profile manifest's mutable anomaly.
        var anomaly = await MutableAnomalyAsync();
        var (author, viewer) = (As("member-author"), UserIdOf(As("member-viewer")));
        var assigned = $$"""{"assignee_ids": [{{viewer}}, {{UserIdOf(author)}}]}""";

        (await PutAsync(author, anomaly.Id, assigned)).ShouldSucceed("assigning two users first");
        Precondition((await SnapshotAsync(anomaly)).AssigneeIds().Length == 2, "a PUT assigning two users", "ASSIGNEES-REPLACE");
        var put = (await PutAsync(author, anomaly.Id, """{"assignee_ids": []}""")).ShouldSucceed("for an Author clearing assignees");
        (await SnapshotAsync(anomaly)).AssigneeIds().Should().BeEmpty("assignee_ids [] unassigns everyone: {0}", put);

        (await PutAsync(author, anomaly.Id, assigned)).ShouldSucceed("assigning two users again");
        var patch = (await PatchAsync(author, $$"""[{"id": {{anomaly.Id}}, "assignee_ids": []}]""")).ShouldSucceed("for a PATCH entry clearing assignees");
        (await SnapshotAsync(anomaly)).AssigneeIds().Should().BeEmpty("a PATCH entry's assignee_ids [] unassigns everyone: {0}", patch);
    }

    [Test]
    [Rule("ASSIGNEES-VIA-PATCH")]
    public async Task Each_patch_entry_replaces_the_assignees_of_its_own_anomaly()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("a", new() { Assignees = ["member-viewer", "member-author"] })
            .Anomaly("b", new() { Assignees = ["member-viewer"] })
            .Anomaly("c", new() { Assignees = ["member-author"] }));

        var response = (await PatchAsync(As("member-author"), $$"""
            [{"id": {{world["a"].Id}}, "assignee_ids": [{{Editor}}]},
             {"id": {{world["b"].Id}}, "assignee_ids": [{{Author}}, {{Editor}}]},
             {"id": {{world["c"].Id}}, "assignee_ids": [{{Viewer}}]}]
            """)).ShouldSucceed("for a bulk replace by an Author");

        (await SnapshotAsync(world["a"])).AssigneeIds().Should().Equal([Editor], "entry a's set is its own: {0}", response);
        (await SnapshotAsync(world["b"])).AssigneeIds().Should().Equal(new[] { Author, Editor }.Order(), "entry b's set is its own: {0}", response);
        (await SnapshotAsync(world["c"])).AssigneeIds().Should().Equal([Viewer], "entry c's set is its own: {0}", response);
    }

    [TestCase("member-reporter")]
    [TestCase("member-none")]
    [Rule("ASSIGNEES-NEED-VIEWER")]
    public async Task An_assignee_without_viewer_is_rejected_and_the_assignees_stay(string assignee)
    {
        var world = await ProvisionAsync(b => b.Anomaly("a", new() { Assignees = ["member-viewer"] }).Anomaly("b", new() { Assignees = ["member-viewer"] }));
        var before = await StateAsync(world["b"]);
        var refused = As(assignee).UserId;

        // The status beside the assignees: whether the rest of a refused body is applied is UPDATE-REFUSED-WHOLE's.
        var put = (await PutAsync(As("member-author"), world["a"].Id, $$"""{"assignee_ids": [{{Viewer}}, {{refused}}], "status": "Acknowledged"}"""))
            .ShouldBeRefused($"when assigning {assignee}, who lacks Viewer on the datastore");
        var patch = (await PatchAsync(As("member-author"), $$"""[{"id": {{world["b"].Id}}, "assignee_ids": [{{refused}}]}]""")).ShouldBeRefused($"when a PATCH entry assigns {assignee}");

        (await SnapshotAsync(world["a"])).AssigneeIds().Should().Equal([Viewer], "a rejected assignment leaves the assignees as they were: {0}", put);
        await ShouldBeUnchangedAsync(world["b"], before, $"a rejected PATCH entry changes nothing ({patch.Summary})");
    }

    [Test]
    [Rule("ASSIGNEES-NEED-VIEWER")]
    public async Task Viewer_is_checked_on_the_anomalys_own_datastore()
    {
        // member-reporter holds Viewer on the first datastore and only Reporter on the second.
        var seen = await ProvisionAsync(b => b.Anomaly("a").Grant("member-reporter", "Viewer"));
        var unseen = await ProvisionAsync(b => b.Anomaly("b"));
        var user = As("member-reporter").UserId;
        var before = await StateAsync(unseen["b"]);

        var refused = (await PutAsync(As("member-author"), unseen["b"].Id, $$"""{"assignee_ids": [{{user}}]}"""))
            .ShouldBeRefused("for a user with Viewer on another datastore only: the permission is checked on this anomaly's datastore");
        await ShouldBeUnchangedAsync(unseen["b"], before, $"the rejected assignment changes nothing ({refused.Summary})");

        var accepted = (await PutAsync(As("member-author"), seen["a"].Id, $$"""{"assignee_ids": [{{user}}]}""")).ShouldSucceed("for the same user on the datastore where it holds Viewer");
        (await SnapshotAsync(seen["a"])).AssigneeIds().Should().Equal([user!.Value], "Viewer on the anomaly's datastore is enough: {0}", accepted);
    }

    [Test]
    [Rule("ASSIGNEES-NEED-VIEWER")]
    public async Task A_user_with_viewer_on_the_datastore_can_be_assigned()
    {
        var world = await ProvisionOneAsync();

        var response = (await PutAsync(As("member-author"), world["a"].Id, $$"""{"assignee_ids": [{{Viewer}}]}""")).ShouldSucceed("assigning a user with Viewer");

        (await SnapshotAsync(world["a"])).AssigneeIds().Should().Equal([Viewer], "Viewer is enough to be assigned: {0}", response);
    }

    [Test]
    [Rule("ASSIGNEES-UNKNOWN-USER")]
    public async Task An_assignee_id_that_names_no_user_is_rejected_and_nothing_changes()
    {
        const long nobody = 8_999_999_999;
        var world = await ProvisionAsync(b => b.Anomaly("put", new() { Assignees = ["member-author"] }).Anomaly("patch", new() { Assignees = ["member-author"] }));
        var before = await StatesAsync(world);

        var put = await PutAsync(As("member-author"), world["put"].Id, $$"""{"assignee_ids": [{{Viewer}}, {{nobody}}]}""");
        var patch = await PatchAsync(As("member-author"), $$"""[{"id": {{world["patch"].Id}}, "assignee_ids": [{{nobody}}]}]""");

        put.ShouldHaveStatus(422, $"for assignee_ids naming user {nobody}, who does not exist").ShouldHaveDetail();
        patch.ShouldHaveStatus(422, $"for a PATCH entry naming user {nobody}");
        await ShouldBeUnchangedAsync(world, before, $"a rejected assignment changes nothing ({put.Summary}; {patch.Summary})");
    }

    [Test]
    [Rule("ASSIGNEES-DUPLICATES-COLLAPSE")]
    public async Task A_user_id_repeated_in_assignee_ids_is_assigned_once()
    {
        var world = await ProvisionAsync(b => b.Anomaly("put").Anomaly("patch"));

        var put = (await PutAsync(As("member-author"), world["put"].Id, $$"""{"assignee_ids": [{{Viewer}}, {{Author}}, {{Viewer}}]}""")).ShouldSucceed("for a list naming the viewer twice");
        var patch = (await PatchAsync(As("member-author"), $$"""[{"id": {{world["patch"].Id}}, "assignee_ids": [{{Editor}}, {{Editor}}]}]""")).ShouldSucceed("for a PATCH entry naming the editor twice");

        (await SnapshotAsync(world["put"])).AssigneeIds().Should().Equal(new[] { Viewer, Author }.Order(), "a repeated id is assigned once: {0}", put);
        (await SnapshotAsync(world["patch"])).AssigneeIds().Should().Equal([Editor], "a repeated id is assigned once: {0}", patch);
    }

    [Test]
    [Rule("LIST-FILTER-ASSIGNEE")]
    public async Task The_assignee_filter_sees_the_set_a_put_replaced()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("replaced", new() { Assignees = ["member-viewer", "member-author"] })
            .Anomaly("untouched", new() { Assignees = ["member-viewer"] }));
        (await PutAsync(As("member-author"), world["replaced"].Id, $$"""{"assignee_ids": [{{Author}}, {{Editor}}]}""")).ShouldSucceed("replacing assignees");
        Precondition((await SnapshotAsync(world["replaced"])).AssigneeIds().SequenceEqual(new[] { Author, Editor }.Order()), "the replacement being applied", "ASSIGNEES-REPLACE");

        var byViewer = (await ListAsync(As("member-viewer"), ("datastore", world.DatastoreId), ("assignee", Viewer))).ShouldSucceed("filtering by the unassigned viewer");
        var byEditor = (await ListAsync(As("member-viewer"), ("datastore", world.DatastoreId), ("assignee", Editor))).ShouldSucceed("filtering by the newly assigned editor");

        byViewer.ListItems().Select(a => a.Id()).Should().Equal([world["untouched"].Id], "the viewer was unassigned from the replaced anomaly: {0}", byViewer);
        byEditor.ListItems().Select(a => a.Id()).Should().Equal([world["replaced"].Id], "the editor is now assigned to it: {0}", byEditor);
    }
}
