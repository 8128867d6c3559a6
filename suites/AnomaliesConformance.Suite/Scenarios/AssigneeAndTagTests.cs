using AnomaliesConformance.Core.Running;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.Suite.Scenarios;

public sealed class AssigneeAndTagTests : ConformanceTest
{
    [Test]
    [Rule("ASSIGNEES-REPLACE")]
    public async Task Put_with_assignee_ids_replaces_the_whole_set()
    {
        var world = await ProvisionOneAsync(new() { Assignees = ["member-viewer", "member-author"] });
        var id = world["a"].Id;
        var editor = As("member-editor").UserId!.Value;

        var response = (await PutAsync(As("member-author"), id, $$"""{"assignee_ids": [{{editor}}]}""")).ShouldHaveStatus(200, "for an Author replacing assignees");

        (await SnapshotAsync(world["a"])).AssigneeIds().Should().Equal([editor], "assignee_ids replaces the set; the API does not support append: {0}", response);
    }

    [Test]
    [Rule("ASSIGNEES-REPLACE")]
    public async Task Sending_a_subset_of_assignees_removes_the_others()
    {
        var world = await ProvisionOneAsync(new() { Assignees = ["member-viewer", "member-author", "member-editor"] });
        var id = world["a"].Id;
        var viewer = As("member-viewer").UserId!.Value;

        var response = (await PutAsync(As("member-author"), id, $$"""{"assignee_ids": [{{viewer}}]}""")).ShouldHaveStatus(200, "for an Author");

        (await SnapshotAsync(world["a"])).AssigneeIds().Should().Equal([viewer], "only the users sent stay assigned: {0}", response);
    }

    [Test]
    [Rule("ASSIGNEES-REPLACE")]
    public async Task Bulk_patch_replaces_assignees_per_entry()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("a", new() { Assignees = ["member-viewer", "member-author"] })
            .Anomaly("b", new() { Assignees = ["member-viewer"] }));
        var editor = As("member-editor").UserId!.Value;
        var author = As("member-author").UserId!.Value;

        var response = (await PatchAsync(As("member-author"), $$"""
            [{"id": {{world["a"].Id}}, "assignee_ids": [{{editor}}]}, {"id": {{world["b"].Id}}, "assignee_ids": [{{author}}, {{editor}}]}]
            """)).ShouldHaveStatus(200, "for a bulk replace by an Author");

        (await SnapshotAsync(world["a"])).AssigneeIds().Should().Equal([editor], "entry a's set is replaced: {0}", response);
        (await SnapshotAsync(world["b"])).AssigneeIds().Should().Equal(new[] { author, editor }.Order(), "entry b's set is replaced: {0}", response);
    }

    [Test]
    [Rule("ASSIGNEES-CLEAR")]
    public async Task Empty_assignee_ids_unassigns_everyone()
    {
        var world = await ProvisionOneAsync(new() { Assignees = ["member-viewer", "member-author"] });
        var id = world["a"].Id;

        var response = (await PutAsync(As("member-author"), id, """{"assignee_ids": []}""")).ShouldHaveStatus(200, "for an Author clearing assignees");

        (await SnapshotAsync(world["a"])).AssigneeIds().Should().BeEmpty("assignee_ids [] unassigns everyone: {0}", response);
    }

    [TestCase("member-reporter")]
    [TestCase("member-none")]
    [Rule("ASSIGNEES-NEED-VIEWER")]
    public async Task An_assignee_without_viewer_is_rejected_and_nothing_changes(string assignee)
    {
        var world = await ProvisionOneAsync(new() { Assignees = ["member-viewer"] });
        var id = world["a"].Id;
        var before = await SnapshotAsync(world["a"]);

        var response = await PutAsync(As("member-author"), id, $$"""{"assignee_ids": [{{As("member-viewer").UserId}}, {{As(assignee).UserId}}]}""");

        response.ShouldHaveStatusIn([403, 422], $"when assigning {assignee}, who lacks Viewer on the datastore").ShouldHaveDetail();
        (await SnapshotAsync(world["a"])).ToJsonString().Should().Be(before.ToJsonString(), "a rejected assignment changes nothing");
    }

    [Test]
    [Rule("TAGS-REPLACE")]
    public async Task Put_with_tags_replaces_the_whole_set()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a", new() { Tags = ["High", "Finance"] }).Tag("Urgent"));
        var id = world["a"].Id;

        var response = (await PutAsync(As("member-author"), id, $$"""{"tags": ["{{world.Tag("Urgent")}}"]}""")).ShouldHaveStatus(200, "for an Author replacing tags");

        (await SnapshotAsync(world["a"])).TagNames().Should().Equal([world.Tag("Urgent")], "tags replaces the current set: {0}", response);
    }

    [Test]
    [Rule("TAGS-CLEAR")]
    public async Task Empty_tags_clears_every_tag()
    {
        var world = await ProvisionOneAsync(new() { Tags = ["High", "Finance"] });
        var id = world["a"].Id;

        var response = (await PutAsync(As("member-author"), id, """{"tags": []}""")).ShouldHaveStatus(200, "for an Author clearing tags");

        (await SnapshotAsync(world["a"])).TagNames().Should().BeEmpty("tags [] clears the set: {0}", response);
    }
}
