using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Running;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.Suite.Scenarios;

public sealed class HistoryTests : ConformanceTest
{
    [Test]
    [Rule("HISTORY-CHANGESET-BEFORE-AFTER")]
    public async Task A_status_change_is_recorded_as_a_before_and_after_pair()
    {
        var world = await ProvisionOneAsync(new() { Status = "Active" });
        var id = world["a"].Id;
        (await PutAsync(As("member-author"), id, """{"status": "Acknowledged"}""")).ShouldHaveStatus(200, "changing status");

        var history = (await HistoryAsync(As("member-viewer"), id)).ShouldHaveStatus(200, "reading history as a Viewer");
        var entry = Newest(history.Object);

        var change = entry?["changeset"]?["status"] as JsonArray;
        ResponseAssertions.FailUnless(change is not null, "expected the newest history entry to carry a status change", history);
        change!.Select(v => v?.GetValue<string>()).Should().Equal(["Active", "Acknowledged"], "each changeset field is a [before, after] tuple: {0}", history);
    }

    [Test]
    [Rule("HISTORY-RECORDS-CHANGES")]
    public async Task Status_description_tag_and_assignee_changes_each_appear_with_user_and_timestamp()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a", new() { Status = "Active", Tags = ["Old"], Description = "first" }).Tag("New"));
        var id = world["a"].Id;
        var editor = As("member-editor");
        // Each body restates the description, so every write changes exactly the one field it is about.
        (await PutAsync(editor, id, """{"status": "Acknowledged", "description": "first"}""")).ShouldHaveStatus(200, "changing status");
        (await PutAsync(editor, id, """{"description": "investigating"}""")).ShouldHaveStatus(200, "changing description");
        (await PutAsync(editor, id, $$"""{"tags": ["{{world.Tag("New")}}"], "description": "investigating"}""")).ShouldHaveStatus(200, "changing tags");
        (await PutAsync(editor, id, $$"""{"assignee_ids": [{{As("member-viewer").UserId}}], "description": "investigating"}""")).ShouldHaveStatus(200, "changing assignees");

        var history = (await HistoryAsync(As("member-viewer"), id, "?size=100")).ShouldHaveStatus(200, "reading history");
        var entries = history.Object.Items().ToList();
        foreach (var field in new[] { "status", "description", "global_tags", "assignees" })
        {
            var recorded = entries.Where(e => e["changeset"]?[field] is not null).ToList();
            recorded.Should().HaveCount(1, "the {0} change appears in history exactly once: {1}", field, history);
            recorded[0]["user"]?["id"]?.GetValue<long>().Should().Be(editor.UserId, "the entry names the user who made the {0} change: {1}", field, history);
            recorded[0]["timestamp"]?.GetValue<string>().Should().NotBeNullOrEmpty("the {0} entry carries a timestamp: {1}", field, history);
        }
    }

    private static JsonObject? Newest(JsonObject page) => page.Items().FirstOrDefault();
}
