using AnomaliesConformance.Core.Running;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.Suite.Scenarios;

public sealed class UpdateTests : ConformanceTest
{
    [Test]
    [Rule("UPDATE-OMITTED-UNTOUCHED")]
    public async Task A_put_with_only_status_leaves_description_tags_and_assignees_untouched()
    {
        var world = await ProvisionOneAsync(new() { Description = "keep me", Tags = ["Keep"], Assignees = ["member-viewer"] });
        var id = world["a"].Id;
        var before = await SnapshotAsync(world["a"]);

        var response = (await PutAsync(As("member-author"), id, """{"status": "Acknowledged"}""")).ShouldHaveStatus(200, "for an Author changing status");

        var after = await SnapshotAsync(world["a"]);
        after.Status().Should().Be("Acknowledged", "the status sent is applied: {0}", response);
        after.Description().Should().Be(before.Description(), "description was omitted, so it is left untouched: {0}", response);
        after.TagNames().Should().Equal(before.TagNames(), "tags were omitted: {0}", response);
        after.AssigneeIds().Should().Equal(before.AssigneeIds(), "assignee_ids were omitted: {0}", response);
    }

    [TestCase("Resolved")]
    [TestCase("Duplicate")]
    [TestCase("Invalid")]
    [TestCase("Discarded")]
    [Rule("PUT-STATUS-OPEN-ONLY")]
    public async Task A_put_with_an_archived_status_is_rejected_and_changes_nothing(string status)
    {
        var world = await ProvisionOneAsync();
        var id = world["a"].Id;
        var before = await SnapshotAsync(world["a"]);

        (await PutAsync(As("member-author"), id, $$"""{"status": "{{status}}"}"""))
            .ShouldHaveStatus(422, $"for status {status}: PUT takes only Active or Acknowledged; archiving goes through DELETE").ShouldHaveDetail();

        (await SnapshotAsync(world["a"])).ToJsonString().Should().Be(before.ToJsonString(), "a rejected update changes nothing");
    }
}
