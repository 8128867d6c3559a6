using System.Globalization;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Scenarios;

/// <summary>
/// The change log. Writes here restate the description (as an Editor) when they do not change it, so each
/// write changes exactly the field it is about, whatever a server does with omitted fields.
/// </summary>
[OnExistingData]
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
        var earlier = await HistoryEntriesAsync(world["a"]);
        (await PutAsync(As("member-author"), id, """{"status": "Acknowledged"}""")).ShouldSucceed("changing status");

        var history = (await HistoryAsync(As("member-viewer"), id)).ShouldSucceed("reading history as a Viewer");
        var change = Since(history.HistoryItems(), earlier).Select(e => Read.Change(e, "status")).FirstOrDefault(c => c is not null);

        FailUnless(change is not null, "expected a history entry carrying the status change", history);
        JsonDiff.FirstDifference(new JsonArray("Active", "Acknowledged"), change).Should().BeNull("each changeset field is a [before, after] tuple: {0}", history);
    }

    [Test]
    [Rule("HISTORY-CHANGESET-BEFORE-AFTER")]
    public async Task A_replaced_assignee_set_is_recorded_with_the_lists_before_and_after()
    {
        var world = await ProvisionOneAsync(new() { Assignees = ["member-viewer", "member-author"] });
        var (viewer, author, editor) = (UserIdOf(As("member-viewer")), UserIdOf(As("member-author")), UserIdOf(As("member-editor")));
        var earlier = await HistoryEntriesAsync(world["a"]);
        (await PutAsync(As("member-author"), world["a"].Id, $$"""{"assignee_ids": [{{author}}, {{editor}}]}""")).ShouldSucceed("replacing the assignees");
        Precondition((await SnapshotAsync(world["a"])).AssigneeIds().SequenceEqual(new[] { author, editor }.Order()), "the replacement being applied", "ASSIGNEES-REPLACE");

        var entry = Since(await HistoryEntriesAsync(world["a"]), earlier).FirstOrDefault(e => Read.Change(e, "assignees") is not null);

        entry.Should().NotBeNull("the assignee change is in the history");
        var pair = Read.Change(entry!, "assignees")!;
        UserIds(pair[0]).Should().Equal(new[] { viewer, author }.Order(), "before lists the assignees the write replaced: {0}", entry!.ToJsonString());
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
        var earlier = await HistoryEntriesAsync(anomaly);
        string[] writes =
        [
            $$"""{"status": "Acknowledged", "description": "{{Original}}"}""",
            """{"description": "second"}""",
            $$"""{"assignee_ids": [{{As("member-viewer").UserId}}, {{As("member-author").UserId}}], "description": "second"}""",
            $$"""{"tags": ["{{world.Tag("New")}}"], "description": "second"}""",
        ];
        foreach (var body in writes)
        {
            (await PutAsync(editor, anomaly.Id, body)).ShouldSucceed("writing " + body);
        }

        (await PatchAsync(editor, $$"""[{"id": {{anomaly.Id}}, "assignee_ids": [{{As("member-author").UserId}}, {{editor.UserId}}]}]""")).ShouldSucceed("replacing assignees by PATCH");

        // The chain starts from the values before the check's writes: an existing anomaly's older entries are its own past.
        var entries = OldestFirst(Since(await HistoryEntriesAsync(anomaly), earlier));
        var running = new Dictionary<string, JsonNode?>();
        foreach (var key in ChainedFields)
        {
            running[key] = Normalized(key, initial[key]);
        }

        var changed = new HashSet<string>();
        foreach (var entry in entries)
        {
            foreach (var key in ChainedFields)
            {
                if (Read.Change(entry, key) is not { } pair)
                {
                    continue;
                }

                changed.Add(key);
                JsonDiff.FirstDifference(running[key], Normalized(key, pair[0])).Should().BeNull("the before of {0} is the value the previous entries left: {1}", key, entry.ToJsonString());
                running[key] = Normalized(key, pair[1]);
            }
        }

        // That every change is in the history at all is HISTORY-RECORDS-CHANGES'; the chain is this rule's.
        var current = await SnapshotAsync(anomaly);
        foreach (var key in changed)
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
        var earlier = await HistoryEntriesAsync(world["a"]);
        (await PutAsync(editor, id, """{"status": "Acknowledged", "description": "first"}""")).ShouldSucceed("changing status");
        (await PutAsync(editor, id, """{"description": "investigating"}""")).ShouldSucceed("changing description");
        (await PutAsync(editor, id, $$"""{"tags": ["{{world.Tag("New")}}"], "description": "investigating"}""")).ShouldSucceed("changing tags");
        (await PutAsync(editor, id, $$"""{"assignee_ids": [{{As("member-viewer").UserId}}], "description": "investigating"}""")).ShouldSucceed("changing assignees");

        var entries = Since(await HistoryEntriesAsync(world["a"]), earlier);
        var log = string.Join("\n", entries.Select(e => e.ToJsonString()));
        // How many entries a field's change takes is HISTORY-ONE-ENTRY-PER-WRITE's; under which key tags are recorded, HISTORY-CHANGESET-KEYS'.
        foreach (var field in new[] { "status", "description", "global_tags", "assignees" })
        {
            var recorded = entries.Where(e => Read.Change(e, field) is not null).ToList();
            recorded.Should().NotBeEmpty("the {0} change appears in history: {1}", field, log);
            recorded.Select(e => Read.UserIdOf(e)).Should().OnlyContain(u => u == editor.UserId, "the entry names the user who made the {0} change: {1}", field, log);
            recorded.Select(e => Read.Instant(Read.TimestampOf(e))).Should().NotContainNulls("the {0} entry carries an ISO 8601 timestamp: {1}", field, log);
        }
    }

    [Test]
    [Rule("HISTORY-CHANGESET-KEYS")]
    public async Task A_changeset_names_its_fields_status_description_global_tags_and_assignees()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a", new() { Status = "Active", Tags = ["Old"], Description = "first" }).Tag("New"));
        var id = world["a"].Id;
        var editor = As("member-editor");
        var earlier = await HistoryEntriesAsync(world["a"]);
        (await PutAsync(editor, id, $$"""{"status": "Acknowledged", "description": "second", "tags": ["{{world.Tag("New")}}"], "assignee_ids": [{{As("member-viewer").UserId}}]}""")).ShouldSucceed("changing every writable field");

        var entries = Since(await HistoryEntriesAsync(world["a"]), earlier);
        Precondition(entries.Any(e => Read.Change(e, "global_tags") is not null), "the tag change being recorded", "HISTORY-RECORDS-CHANGES");
        var keys = entries.SelectMany(e => Read.ChangesetOf(e).Select(c => c.Key)).ToList();

        keys.Should().Contain(["status", "description", "global_tags", "assignees"], "a changeset names each field as the anomaly object does (tags as global_tags): {0}", string.Join(", ", keys));
    }

    [Test]
    [Rule("HISTORY-RECORDS-CHANGES")]
    [Effect(CheckEffect.Destructive)]
    public async Task An_archive_with_a_comment_appears_as_a_status_change_by_the_archiving_user()
    {
        var world = await ProvisionOneAsync(new() { Status = "Active" });
        var manager = As("manager-author");
        var earlier = await HistoryEntriesAsync(world["a"]);

        (await DeleteAsync(manager, world["a"].Id, "?archive=true&status=Resolved", """{"comment": "closing after the fix"}""")).ShouldSucceed("archiving with a comment");

        var archives = Since(await HistoryEntriesAsync(world["a"]), earlier).Where(e => Read.After(e, "status") == "Resolved").ToList();
        archives.Should().NotBeEmpty("the archive appears in the history as a status change");
        archives.Select(e => Read.UserIdOf(e)).Should().OnlyContain(u => u == manager.UserId, "the entry names the archiving user");
        archives.Select(e => Read.Instant(Read.TimestampOf(e))).Should().NotContainNulls("the entry carries an ISO 8601 timestamp");
    }

    [Test]
    [Rule("HISTORY-USER-TIMESTAMP")]
    [Effect(CheckEffect.Destructive)]
    public async Task Each_entry_names_the_user_who_wrote_and_an_iso_8601_timestamp()
    {
        var world = await ProvisionOneAsync(new() { Status = "Active", Description = Original });
        var anomaly = world["a"];
        var (editor, author, manager) = (As("member-editor"), As("member-author"), As("manager-author"));
        var (viewerId, authorId) = (UserIdOf(As("member-viewer")), UserIdOf(author));
        var earlier = await HistoryEntriesAsync(anomaly);

        (await PutAsync(editor, anomaly.Id, $$"""{"assignee_ids": [{{viewerId}}], "description": "{{Original}}"}""")).ShouldSucceed("a PUT by the Editor");
        (await PatchAsync(author, $$"""[{"id": {{anomaly.Id}}, "assignee_ids": [{{authorId}}]}]""")).ShouldSucceed("a PATCH by the Author");
        (await DeleteAsync(manager, anomaly.Id, "?archive=true&status=Resolved")).ShouldSucceed("an archive by the Manager");

        var entries = Since(await HistoryEntriesAsync(anomaly), earlier);
        var expected = new (string What, Func<JsonObject, bool> Finds, Actor Writer)[]
        {
            ("the PUT", e => AssigneesAfter(e).SequenceEqual([viewerId]), editor),
            ("the PATCH", e => AssigneesAfter(e).SequenceEqual([authorId]), author),
            ("the archive", e => Read.After(e, "status") == "Resolved", manager),
        };
        foreach (var (what, finds, writer) in expected)
        {
            var entry = entries.FirstOrDefault(finds);
            entry.Should().NotBeNull("{0} is in the history", what);
            Read.UserIdOf(entry!).Should().Be(writer.UserId, "the entry of {0} names {1}, who made it: {2}", what, writer.Label, entry!.ToJsonString());
            var timestamp = Read.TimestampOf(entry);
            Read.Instant(timestamp).Should().NotBeNull("the entry of {0} carries an ISO 8601 timestamp, it has {1}", what, timestamp);
        }
    }

    [Test]
    [Rule("HISTORY-NEWEST-FIRST")]
    public async Task History_entries_come_newest_first()
    {
        var world = await ProvisionOneAsync(new() { Status = "Active", Description = Original });
        var anomaly = world["a"];
        var editor = As("member-editor");
        var earlier = await HistoryEntriesAsync(anomaly);
        (await PutAsync(editor, anomaly.Id, $$"""{"status": "Acknowledged", "description": "{{Original}}"}""")).ShouldSucceed("the first write");
        (await PutAsync(editor, anomaly.Id, """{"description": "second"}""")).ShouldSucceed("the second write");
        (await PutAsync(editor, anomaly.Id, $$"""{"assignee_ids": [{{As("member-viewer").UserId}}], "description": "second"}""")).ShouldSucceed("the third write");

        var history = (await HistoryAsync(As("member-viewer"), anomaly.Id)).ShouldSucceed("reading history");
        var items = history.HistoryItems();
        // The check's three writes are the newest, so they lead the page; older entries of an existing anomaly follow.
        var added = Since(items, earlier).Count;
        var keys = items.Take(added).Select(e => new[] { "assignees", "description", "status" }.FirstOrDefault(k => Read.Change(e, k) is not null)).ToList();

        keys.Should().Equal(["assignees", "description", "status"], "the newest write comes first: {0}", history);
        items.Select(e => Read.Instant(Read.TimestampOf(e))).Should().BeInDescendingOrder("timestamps go from newest to oldest: {0}", history);
    }

    [Test]
    [Rule("HISTORY-ONLY-CHANGED-KEYS")]
    public async Task A_changeset_holds_only_the_fields_the_write_changed()
    {
        var world = await ProvisionOneAsync(new() { Status = "Active", Description = Original, Tags = ["Keep"], Assignees = ["member-viewer"] });
        var anomaly = world["a"];
        var earlier = await HistoryEntriesAsync(anomaly);

        // Every field is sent; only the status differs from what the anomaly has.
        (await PutAsync(As("member-editor"), anomaly.Id, $$"""
            {"status": "Acknowledged", "description": "{{Original}}", "tags": ["{{world.Tag("Keep")}}"], "assignee_ids": [{{As("member-viewer").UserId}}]}
            """)).ShouldSucceed("for a PUT that changes only the status");

        var entries = Since(await HistoryEntriesAsync(anomaly), earlier);
        var log = string.Join(", ", entries.Select(e => e.ToJsonString()));
        entries.SelectMany(e => Read.ChangesetOf(e)).Where(c => c.Value is JsonArray { Count: 2 } pair && JsonNode.DeepEquals(pair[0], pair[1]))
            .Select(c => c.Key).Should().BeEmpty("no changeset key has equal before and after: {0}", log);
        entries.Where(e => Read.Change(e, "description") is not null || Read.Change(e, "global_tags") is not null || Read.Change(e, "assignees") is not null)
            .Should().BeEmpty("the fields sent unchanged are not in the changeset: {0}", log);
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
        var earlierA = await HistoryEntriesAsync(a);
        var earlierB = await HistoryEntriesAsync(b);

        (await PutAsync(editor, a.Id, $$"""{"tags": ["{{world.Tag("New")}}"], "assignee_ids": [{{author}}], "description": "{{Original}}"}""")).ShouldSucceed("one PUT changing two fields");
        (await PatchAsync(editor, $$"""[{"id": {{a.Id}}, "assignee_ids": [{{viewer}}]}, {"id": {{b.Id}}, "assignee_ids": [{{viewer}}]}]""")).ShouldSucceed("one PATCH of two anomalies");
        (await PutAsync(editor, a.Id, $$"""{"assignee_ids": [{{viewer}}], "description": "{{Original}}"}""")).ShouldSucceed("a PUT that changes nothing");
        (await PutAsync(editor, a.Id, """{"status": "Closed"}""")).ShouldBeRefused("a PUT with an unknown status");
        (await PutAsync(As("member-none"), a.Id, """{"status": "Acknowledged"}""")).ShouldBeRefused("a PUT by a member without permission on the datastore");
        // The archive is the Author's (the least permission that may archive), so a fault in the Editor's
        // archive permission (PERM-WRITE-OR-HIGHER) does not also fail this rule. It carries no comment:
        // whether a comment shares the archive's entry is ARCHIVE-COMMENT-SAME-ENTRY's choice.
        (await DeleteAsync(As("member-author"), a.Id, "?archive=true&status=Resolved")).ShouldSucceed("an archive");

        var historyA = Since(await HistoryEntriesAsync(a), earlierA);
        historyA.Should().HaveCount(3, "anomaly a had three successful writes that changed it (PUT, PATCH, archive): {0}", string.Join("\n", historyA.Select(e => e.ToJsonString())));
        Since(await HistoryEntriesAsync(b), earlierB).Should().HaveCount(1, "the PATCH adds one entry to each anomaly it changed");
    }

    private static readonly string[] ChainedFields = ["status", "description", "global_tags", "assignees"];

    private static long[] AssigneesAfter(JsonObject entry) =>
        Read.Change(entry, "assignees") is { } pair ? UserIds(pair[1]) : [];

    /// <summary>The ids of a list of users as a changeset holds them: {id, ...} stubs (the page's example) or ids.</summary>
    private static long[] UserIds(JsonNode? users) => users switch
    {
        null => [],
        JsonArray list => list.Select(u => u is JsonObject user ? Read.RequiredInteger(user, "id", "a user in a changeset") : AnomalyJson.IdOf(u) ?? 0).Order().ToArray(),
        _ => Unexpected<long[]>("a list of users", users),
    };

    /// <summary>A value as the chain compares it: tags by name, assignees by id, both sorted; a tag may be a {id, name} object or its name.</summary>
    private static JsonNode? Normalized(string key, JsonNode? value) => key switch
    {
        "global_tags" => new JsonArray((value as JsonArray ?? Unexpected<JsonArray>("a list of tags", value)).Select(t => t is JsonObject tag ? Read.RequiredString(tag, "name", "a tag") : t!.GetValue<string>())
            .Order(StringComparer.Ordinal).Select(n => (JsonNode?)n).ToArray()),
        "assignees" => new JsonArray(UserIds(value).Select(i => (JsonNode?)i).ToArray()),
        _ => value?.DeepClone(),
    };

    /// <summary>
    /// The entries from the oldest: by transaction_id when every entry carries one (the page's example does), else by
    /// timestamp with ties in the reverse of the served order when it is newest first (its direction is HISTORY-NEWEST-FIRST's).
    /// </summary>
    private static List<JsonObject> OldestFirst(List<JsonObject> served)
    {
        if (served.All(e => AnomalyJson.IdOf(e["transaction_id"]) is not null))
        {
            return served.OrderBy(e => AnomalyJson.IdOf(e["transaction_id"])).ToList();
        }

        var instants = served.Select(e => Read.Instant(Read.TimestampOf(e)) ?? Unexpected<DateTimeOffset>("an ISO 8601 timestamp", e)).ToList();
        var newestFirst = instants.Count > 1 && instants[0] >= instants[^1];
        return served.Select((e, i) => (Entry: e, Instant: instants[i], Index: newestFirst ? -i : i, Transaction: AnomalyJson.IdOf(e["transaction_id"])))
            .OrderBy(e => e.Instant).ThenBy(e => e.Transaction ?? 0).ThenBy(e => e.Index).Select(e => e.Entry).ToList();
    }

    private static T Unexpected<T>(string expected, JsonNode? value)
    {
        Assert.Fail($"expected {expected} in the history, got {value?.ToJsonString() ?? "null"}");
        return default!;
    }
}
