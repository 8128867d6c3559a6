using System.Globalization;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Running;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;

namespace AnomaliesConformance.Suite.Scenarios;

/// <summary>
/// The change log. Writes here restate the description (as an Editor) when they do not change it, so each
/// write changes exactly the field it is about, whatever a server does with omitted fields.
/// </summary>
[Effect(CheckEffect.ReversibleWrite)]
public sealed class HistoryTests : ConformanceTest
{
    private const string Original = "original description";

    [Test]
    [Rule("HISTORY-CHANGESET-BEFORE-AFTER")]
    public async Task A_status_change_is_recorded_as_a_before_and_after_pair()
    {
        var world = await ProvisionOneAsync(new() { Status = "Active" });
        var id = world["a"].Id;
        (await PutAsync(As("member-author"), id, """{"status": "Acknowledged"}""")).ShouldHaveStatus(200, "changing status");

        var history = (await HistoryAsync(As("member-viewer"), id)).ShouldHaveStatus(200, "reading history as a Viewer");
        var entry = history.Object.Items().FirstOrDefault(e => e["changeset"]?["status"] is not null);

        var change = entry?["changeset"]?["status"] as JsonArray;
        FailUnless(change is not null, "expected a history entry carrying the status change", history);
        change!.Select(v => v?.GetValue<string>()).Should().Equal(["Active", "Acknowledged"], "each changeset field is a [before, after] tuple: {0}", history);
    }

    [Test]
    [Rule("HISTORY-CHANGESET-BEFORE-AFTER")]
    public async Task A_replaced_assignee_set_is_recorded_with_the_lists_before_and_after()
    {
        var world = await ProvisionOneAsync(new() { Assignees = ["member-viewer", "member-author"] });
        var (viewer, author, editor) = (As("member-viewer").UserId!.Value, As("member-author").UserId!.Value, As("member-editor").UserId!.Value);
        (await PutAsync(As("member-author"), world["a"].Id, $$"""{"assignee_ids": [{{author}}, {{editor}}]}""")).ShouldHaveStatus(200, "replacing the assignees");
        Precondition((await SnapshotAsync(world["a"])).AssigneeIds().SequenceEqual(new[] { author, editor }.Order()), "the replacement being applied", "ASSIGNEES-REPLACE");

        var entry = (await HistoryEntriesAsync(world["a"])).FirstOrDefault(e => e["changeset"]?["assignees"] is not null);

        entry.Should().NotBeNull("the assignee change is in the history");
        var pair = entry!["changeset"]!["assignees"] as JsonArray;
        (pair?.Count).Should().Be(2, "a changeset value is a [before, after] pair: {0}", entry.ToJsonString());
        UserIds(pair![0]).Should().Equal(new[] { viewer, author }.Order(), "before lists the assignees the write replaced: {0}", entry.ToJsonString());
        UserIds(pair[1]).Should().Equal(new[] { author, editor }.Order(), "after lists the assignees the write left: {0}", entry.ToJsonString());
    }

    [Test]
    [Rule("HISTORY-CHANGESET-BEFORE-AFTER")]
    public async Task Chaining_the_changesets_from_the_oldest_reproduces_the_current_values()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a", new() { Status = "Active", Description = Original }).Tag("New"));
        var anomaly = world["a"];
        var editor = As("member-editor");
        var initial = await SnapshotAsync(anomaly);
        string[] writes =
        [
            $$"""{"status": "Acknowledged", "description": "{{Original}}"}""",
            """{"description": "second"}""",
            $$"""{"assignee_ids": [{{As("member-viewer").UserId}}, {{As("member-author").UserId}}], "description": "second"}""",
            $$"""{"tags": ["{{world.Tag("New")}}"], "description": "second"}""",
        ];
        foreach (var body in writes)
        {
            (await PutAsync(editor, anomaly.Id, body)).ShouldHaveStatus(200, "writing " + body);
        }

        (await PatchAsync(editor, $$"""[{"id": {{anomaly.Id}}, "assignee_ids": [{{As("member-author").UserId}}, {{editor.UserId}}]}]""")).ShouldHaveStatus(200, "replacing assignees by PATCH");

        var entries = (await HistoryEntriesAsync(anomaly))
            .OrderBy(e => e["timestamp"]?.GetValue<string>(), StringComparer.Ordinal).ThenBy(e => e["transaction_id"]?.GetValue<long>()).ToList();
        var running = new Dictionary<string, JsonNode?>();
        foreach (var key in new[] { "status", "description", "global_tags", "assignees" })
        {
            running[key] = Normalized(key, initial[key]);
        }

        foreach (var entry in entries)
        {
            foreach (var (key, value) in entry["changeset"]!.AsObject().Where(c => running.ContainsKey(c.Key)))
            {
                var pair = value as JsonArray;
                (pair?.Count).Should().Be(2, "changeset {0} is a [before, after] pair: {1}", key, entry.ToJsonString());
                JsonDiff.FirstDifference(running[key], Normalized(key, pair![0])).Should().BeNull("the before of {0} is the value the previous entries left: {1}", key, entry.ToJsonString());
                running[key] = Normalized(key, pair[1]);
            }
        }

        var current = await SnapshotAsync(anomaly);
        foreach (var key in entries.SelectMany(e => e["changeset"]!.AsObject().Select(c => c.Key)).Where(running.ContainsKey).Distinct())
        {
            JsonDiff.FirstDifference(Normalized(key, current[key]), running[key]).Should().BeNull("chaining the history reproduces the current {0}", key);
        }
    }

    [Test]
    [Rule("HISTORY-RECORDS-CHANGES")]
    public async Task Status_description_tag_and_assignee_changes_each_appear_with_user_and_timestamp()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a", new() { Status = "Active", Tags = ["Old"], Description = "first" }).Tag("New"));
        var id = world["a"].Id;
        var editor = As("member-editor");
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

    [Test]
    [Rule("HISTORY-RECORDS-CHANGES")]
    [Effect(CheckEffect.Destructive)]
    public async Task An_archive_with_a_comment_appears_once_as_a_status_change_by_the_archiving_user()
    {
        var world = await ProvisionOneAsync(new() { Status = "Active" });
        var manager = As("manager-author");

        (await DeleteAsync(manager, world["a"].Id, "?archive=true&status=Resolved", """{"comment": "closing after the fix"}""")).ShouldSucceed("archiving with a comment");

        var archives = (await HistoryEntriesAsync(world["a"])).Where(e => After(e, "status") == "Resolved").ToList();
        archives.Should().ContainSingle("the archive appears in the history once");
        archives[0]["user"]?["id"]?.GetValue<long>().Should().Be(manager.UserId, "the entry names the archiving user");
        archives[0]["timestamp"]?.GetValue<string>().Should().NotBeNullOrEmpty("the entry carries a timestamp");
    }

    [Test]
    [Rule("HISTORY-USER-TIMESTAMP")]
    [Effect(CheckEffect.Destructive)]
    public async Task Each_entry_names_the_user_who_wrote_and_an_iso_8601_timestamp()
    {
        var world = await ProvisionOneAsync(new() { Status = "Active", Description = Original });
        var anomaly = world["a"];
        var (editor, author, manager) = (As("member-editor"), As("member-author"), As("manager-author"));
        var (viewerId, authorId) = (As("member-viewer").UserId!.Value, author.UserId!.Value);

        (await PutAsync(editor, anomaly.Id, $$"""{"assignee_ids": [{{viewerId}}], "description": "{{Original}}"}""")).ShouldHaveStatus(200, "a PUT by the Editor");
        (await PatchAsync(author, $$"""[{"id": {{anomaly.Id}}, "assignee_ids": [{{authorId}}]}]""")).ShouldHaveStatus(200, "a PATCH by the Author");
        (await DeleteAsync(manager, anomaly.Id, "?archive=true&status=Resolved")).ShouldSucceed("an archive by the Manager");

        var entries = await HistoryEntriesAsync(anomaly);
        var expected = new (string What, Func<JsonObject, bool> Finds, Actor Writer)[]
        {
            ("the PUT", e => AssigneesAfter(e).SequenceEqual([viewerId]), editor),
            ("the PATCH", e => AssigneesAfter(e).SequenceEqual([authorId]), author),
            ("the archive", e => After(e, "status") == "Resolved", manager),
        };
        foreach (var (what, finds, writer) in expected)
        {
            var entry = entries.FirstOrDefault(finds);
            entry.Should().NotBeNull("{0} is in the history", what);
            entry!["user"]?["id"]?.GetValue<long>().Should().Be(writer.UserId, "the entry of {0} names {1}, who made it: {2}", what, writer.Label, entry.ToJsonString());
            var timestamp = entry["timestamp"]?.GetValue<string>();
            IsIsoDateTime(timestamp).Should().BeTrue("the entry of {0} carries an ISO 8601 timestamp, it has {1}", what, timestamp);
        }
    }

    [Test]
    [Rule("HISTORY-NEWEST-FIRST")]
    public async Task History_entries_come_newest_first()
    {
        var world = await ProvisionOneAsync(new() { Status = "Active", Description = Original });
        var anomaly = world["a"];
        var editor = As("member-editor");
        (await PutAsync(editor, anomaly.Id, $$"""{"status": "Acknowledged", "description": "{{Original}}"}""")).ShouldHaveStatus(200, "the first write");
        (await PutAsync(editor, anomaly.Id, """{"description": "second"}""")).ShouldHaveStatus(200, "the second write");
        (await PutAsync(editor, anomaly.Id, $$"""{"assignee_ids": [{{As("member-viewer").UserId}}], "description": "second"}""")).ShouldHaveStatus(200, "the third write");

        var history = (await HistoryAsync(As("member-viewer"), anomaly.Id)).ShouldHaveStatus(200, "reading history");
        var keys = history.Object.Items().Select(e => new[] { "assignees", "description", "status" }.FirstOrDefault(k => e["changeset"]?[k] is not null)).ToList();

        keys.Should().Equal(["assignees", "description", "status"], "the newest write comes first: {0}", history);
        var stamps = history.Object.Items().Select(e => e["timestamp"]?.GetValue<string>()).ToList();
        stamps.Should().BeInDescendingOrder(StringComparer.Ordinal, "timestamps go from newest to oldest: {0}", history);
    }

    [Test]
    [Rule("HISTORY-ONLY-CHANGED-KEYS")]
    public async Task A_changeset_holds_only_the_fields_the_write_changed()
    {
        var world = await ProvisionOneAsync(new() { Status = "Active", Description = Original, Tags = ["Keep"], Assignees = ["member-viewer"] });
        var anomaly = world["a"];

        // Every field is sent; only the status differs from what the anomaly has.
        (await PutAsync(As("member-editor"), anomaly.Id, $$"""
            {"status": "Acknowledged", "description": "{{Original}}", "tags": ["{{world.Tag("Keep")}}"], "assignee_ids": [{{As("member-viewer").UserId}}]}
            """)).ShouldHaveStatus(200, "for a PUT that changes only the status");

        var entries = await HistoryEntriesAsync(anomaly);
        entries.SelectMany(e => e["changeset"]!.AsObject()).Where(c => c.Value is JsonArray { Count: 2 } pair && JsonNode.DeepEquals(pair[0], pair[1]))
            .Select(c => c.Key).Should().BeEmpty("no changeset key has equal before and after: {0}", string.Join(", ", entries.Select(e => e.ToJsonString())));
        entries.SelectMany(e => e["changeset"]!.AsObject().Select(c => c.Key)).Should().NotContain(["description", "global_tags", "assignees"],
            "the fields sent unchanged are not in the changeset: {0}", string.Join(", ", entries.Select(e => e.ToJsonString())));
    }

    [Test]
    [Rule("HISTORY-ONE-ENTRY-PER-WRITE")]
    [Effect(CheckEffect.Destructive)]
    public async Task Each_successful_write_adds_one_entry_per_anomaly_and_no_op_or_rejected_writes_add_none()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a", new() { Status = "Active", Description = Original }).Anomaly("b").Tag("New"));
        var (a, b) = (world["a"], world["b"]);
        var editor = As("member-editor");
        var (viewer, author) = (As("member-viewer").UserId, As("member-author").UserId);

        (await PutAsync(editor, a.Id, $$"""{"tags": ["{{world.Tag("New")}}"], "assignee_ids": [{{author}}], "description": "{{Original}}"}""")).ShouldHaveStatus(200, "one PUT changing two fields");
        (await PatchAsync(editor, $$"""[{"id": {{a.Id}}, "assignee_ids": [{{viewer}}]}, {"id": {{b.Id}}, "assignee_ids": [{{viewer}}]}]""")).ShouldHaveStatus(200, "one PATCH of two anomalies");
        (await PutAsync(editor, a.Id, $$"""{"assignee_ids": [{{viewer}}], "description": "{{Original}}"}""")).ShouldHaveStatus(200, "a PUT that changes nothing");
        (await PutAsync(editor, a.Id, """{"status": "Closed"}""")).ShouldBeRefused("a PUT with an unknown status");
        (await PutAsync(As("member-none"), a.Id, """{"status": "Acknowledged"}""")).ShouldBeRefused("a PUT by a member without permission on the datastore");
        // The archive is the Author's (the least permission that may archive), so a fault in the Editor's
        // archive permission (PERM-WRITE-OR-HIGHER) does not also fail this rule.
        (await DeleteAsync(As("member-author"), a.Id, "?archive=true&status=Resolved", """{"comment": "done"}""")).ShouldSucceed("an archive with a comment");

        var historyA = await HistoryEntriesAsync(a);
        historyA.Should().HaveCount(3, "anomaly a had three successful writes that changed it (PUT, PATCH, archive): {0}", string.Join("\n", historyA.Select(e => e.ToJsonString())));
        (await HistoryEntriesAsync(b)).Should().HaveCount(1, "the PATCH adds one entry to each anomaly it changed");
    }

    private static string? After(JsonObject entry, string key) =>
        entry["changeset"]?[key] is JsonArray { Count: 2 } pair && pair[1] is JsonValue after && after.TryGetValue<string>(out var text) ? text : null;

    private static long[] AssigneesAfter(JsonObject entry) =>
        entry["changeset"]?["assignees"] is JsonArray { Count: 2 } pair ? UserIds(pair[1]) : [];

    private static long[] UserIds(JsonNode? users) =>
        (users as JsonArray ?? []).Select(u => u?["id"]?.GetValue<long>() ?? 0).Order().ToArray();

    /// <summary>A value as the chain compares it: tags by name, assignees by id, both sorted.</summary>
    private static JsonNode? Normalized(string key, JsonNode? value) => key switch
    {
        "global_tags" => new JsonArray((value as JsonArray ?? []).Select(t => t?["name"]?.GetValue<string>()).Order(StringComparer.Ordinal).Select(n => (JsonNode?)n).ToArray()),
        "assignees" => new JsonArray(UserIds(value).Select(i => (JsonNode?)i).ToArray()),
        _ => value?.DeepClone(),
    };

    private static bool IsIsoDateTime(string? text) =>
        text is { Length: > 6 } && text.Contains('T', StringComparison.Ordinal) && (text.EndsWith('Z') || text[^6] is '+' or '-')
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _);
}
