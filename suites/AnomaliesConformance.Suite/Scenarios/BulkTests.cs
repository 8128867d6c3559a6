using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Scenarios;

/// <summary>PATCH and DELETE on /api/anomalies: many entries, all or nothing.</summary>
[OnExistingData]
[Effect(CheckEffect.Destructive)]
public sealed class BulkTests : ConformanceTest
{
    private const long Unknown = 8_999_999_999;

    [Test]
    [Rule("BULK-PATCH-APPLIES-ALL")]
    [Effect(CheckEffect.ReversibleWrite)]
    public async Task One_patch_of_500_entries_applies_every_entry()
    {
        const int count = 500;
        var empty = new SourceRecordsSpec([], [], []);
        var world = await ProvisionAsync(b =>
        {
            for (var i = 0; i < count; i++)
            {
                b.Anomaly($"a{i}", new() { Status = "Active", SourceRecords = empty });
            }
        });
        var body = new JsonArray(world.Anomalies.Values.Select(a => (JsonNode?)new JsonObject { ["id"] = a.Id, ["status"] = "Acknowledged" }).ToArray());

        var response = (await PatchAsync(As("member-author"), body.ToJsonString())).ShouldSucceed($"for one PATCH of {count} entries");

        // Read back through the datastore's list (a few pages); a target whose list does not show exactly the
        // entries is read one anomaly at a time, so the verdict never rests on the list's own rules.
        var statuses = await ListedStatusesAsync(world)
            ?? (await Task.WhenAll(world.Anomalies.Values.Select(async a => (a.Id, Status: (await SnapshotAsync(a)).Status())))).ToDictionary(s => s.Id, s => s.Status);
        statuses.Where(s => s.Value != "Acknowledged").Select(s => s.Key).Should().BeEmpty("every one of the {0} entries is applied: {1}", count, response.Summary);
    }

    /// <summary>The status of every anomaly of the world's datastore as its list answers them, or null when the list cannot be walked to exactly those anomalies.</summary>
    private static async Task<Dictionary<long, string>?> ListedStatusesAsync(World world)
    {
        const int size = 100;
        var statuses = new Dictionary<long, string>();
        for (var page = 1; page <= (world.Anomalies.Count / size) + 2; page++)
        {
            var answer = await Run.Api.GetAsync(Admin, Read.PageQuery($"/api/anomalies?datastore={world.DatastoreId}", page, size), purpose: ExchangePurpose.Verify);
            if (answer.Status is < 200 or > 299)
            {
                return null;
            }

            IReadOnlyList<JsonObject> items;
            try
            {
                items = answer.ListItems();
            }
            catch (InconclusiveException)
            {
                return null;
            }

            foreach (var item in items)
            {
                if (AnomalyJson.IdOf(item["id"]) is not { } id || item["status"]?.GetValueKind() != System.Text.Json.JsonValueKind.String)
                {
                    return null;
                }

                statuses[id] = item["status"]!.GetValue<string>();
            }

            if (items.Count < size)
            {
                break;
            }
        }

        return statuses.Keys.ToHashSet().SetEquals(world.Anomalies.Values.Select(a => a.Id)) ? statuses : null;
    }

    [Test]
    [Rule("BULK-PATCH-PER-ENTRY-FIELDS")]
    [Effect(CheckEffect.ReversibleWrite)]
    public async Task Each_patch_entry_sets_its_own_fields_and_leaves_the_others_untouched()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("status", new() { Description = "original", Assignees = ["member-author"] })
            .Anomaly("description", new() { Description = "original", Assignees = ["member-author"] })
            .Anomaly("tags", new() { Description = "original", Assignees = ["member-author"] })
            .Anomaly("assignees", new() { Description = "original", Assignees = ["member-author"] })
            .Tag("New"));
        var before = await StatesAsync(world);

        var viewer = As("member-viewer").UserId;
        var response = (await PatchAsync(As("member-editor"), $$"""
            [{"id": {{world["status"].Id}}, "status": "Acknowledged"},
             {"id": {{world["description"].Id}}, "description": "set by its own entry"},
             {"id": {{world["tags"].Id}}, "tags": ["{{world.Tag("New")}}"]},
             {"id": {{world["assignees"].Id}}, "assignee_ids": [{{viewer}}]}]
            """)).ShouldSucceed("for a PATCH whose entries set different fields");

        var expected = new Dictionary<string, (string Field, JsonNode Value)>
        {
            ["status"] = ("status", JsonValue.Create("Acknowledged")),
            ["description"] = ("description", JsonValue.Create("set by its own entry")),
            ["tags"] = ("global_tags", new JsonArray(world.Tag("New"))),
            ["assignees"] = ("assignees", new JsonArray(viewer)),
        };
        foreach (var (key, (field, value)) in expected)
        {
            var after = await SnapshotAsync(world[key]);
            JsonDiff.FirstDifference(value, Comparable(after, field)).Should().BeNull("entry {0} sets {1}: {2}", key, field, response);
            foreach (var other in expected.Values.Select(e => e.Field).Where(f => f != field))
            {
                JsonDiff.FirstDifference(Comparable(before[world[key].Id].Fields, other), Comparable(after, other)).Should().BeNull("entry {0} did not name {1}, so it is untouched: {2}", key, other, response);
            }
        }
    }

    [Test]
    [Rule("BULK-ID-INT-OR-UUID")]
    public async Task Bulk_entries_accept_numeric_ids_and_uuids_in_the_same_batch()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b").Anomaly("c").Anomaly("d"));

        var patch = await PatchAsync(As("member-author"), $$"""
            [{"id": {{world["a"].Id}}, "status": "Acknowledged"}, {"id": "{{world["b"].Uuid}}", "status": "Acknowledged"}]
            """);
        var delete = await BulkDeleteAsync(As("member-author"), $$"""
            [{"id": {{world["c"].Id}}, "archive": true, "status": "Resolved"}, {"id": "{{world["d"].Uuid}}", "archive": true, "status": "Resolved"}]
            """);

        patch.ShouldSucceed("for a PATCH mixing a numeric id and a UUID");
        delete.ShouldSucceed("for a bulk DELETE mixing a numeric id and a UUID");
        (await SnapshotAsync(world["a"])).Status().Should().Be("Acknowledged", "the PATCH entry by numeric id is applied: {0}", patch);
        (await SnapshotAsync(world["b"])).Status().Should().Be("Acknowledged", "the PATCH entry by UUID is applied: {0}", patch);
        (await SnapshotAsync(world["c"])).Status().Should().Be("Resolved", "the DELETE entry by numeric id is applied: {0}", delete);
        (await SnapshotAsync(world["d"])).Status().Should().Be("Resolved", "the DELETE entry by UUID is applied: {0}", delete);
    }

    [Test]
    [Rule("BULK-PATCH-RETURNS-IN-ORDER")]
    [Effect(CheckEffect.ReversibleWrite)]
    public async Task A_patch_answers_the_updated_anomalies_in_the_order_of_its_entries()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b").Anomaly("c"));
        // Neither ascending nor descending by id, whatever ids the anomalies have (existing ones come in any order):
        // an answer sorted by id must differ from the request's order.
        var ids = new[] { world["a"].Id, world["b"].Id, world["c"].Id }.Order().ToArray();
        long[] order = [ids[2], ids[0], ids[1]];

        var response = (await PatchAsync(As("member-author"), new JsonArray(order.Select(id => (JsonNode?)new JsonObject { ["id"] = id, ["status"] = "Acknowledged" }).ToArray()).ToJsonString()))
            .ShouldSucceed("for a successful PATCH");

        response.Array.Ids().Should().Equal(order, "the answer lists the anomalies in request order: {0}", response);
        response.Array.Select(a => a!.AsObject().Status()).Should().OnlyContain(s => s == "Acknowledged", "the answer shows them updated: {0}", response);
    }

    [Test]
    [Rule("BULK-ATOMIC")]
    public async Task A_bulk_request_with_an_unknown_entry_changes_nothing()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b").Anomaly("c"));
        var before = await StatesAsync(world);

        var patch = await PatchAsync(As("member-author"), $$"""
            [{"id": {{world["a"].Id}}, "status": "Acknowledged"}, {"id": {{Unknown}}, "status": "Acknowledged"}, {"id": {{world["b"].Id}}, "status": "Acknowledged"}]
            """);
        var delete = await BulkDeleteAsync(As("member-author"), $$"""
            [{"id": {{world["c"].Id}}, "archive": true, "status": "Resolved"}, {"id": {{Unknown}}, "archive": true, "status": "Resolved"}]
            """);

        patch.ShouldBeRefused("when one PATCH entry names an unknown anomaly");
        delete.ShouldBeRefused("when one DELETE entry names an unknown anomaly");
        await ShouldBeUnchangedAsync(world, before, "a bulk request with an unknown entry changes nothing, its valid entries included");
    }

    [Test]
    [Rule("BULK-ATOMIC")]
    public async Task A_bulk_request_with_an_invalid_entry_changes_nothing()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b").Anomaly("c").Anomaly("d"));
        var before = await StatesAsync(world);

        var patch = await PatchAsync(As("member-author"), $$"""
            [{"id": {{world["a"].Id}}, "status": "Acknowledged"}, {"id": {{world["b"].Id}}, "status": "Closed"}]
            """);
        var delete = await BulkDeleteAsync(As("member-author"), $$"""
            [{"id": {{world["c"].Id}}, "archive": true, "status": "Resolved"}, {"id": {{world["d"].Id}}, "archive": true, "status": "Closed"}]
            """);

        patch.ShouldBeRefused("when one PATCH entry carries an unknown status");
        delete.ShouldBeRefused("when one DELETE entry carries an unknown status");
        await ShouldBeUnchangedAsync(world, before, "a bulk request with an invalid entry changes nothing, its valid entries included");
    }

    [Test]
    [Rule("BULK-ATOMIC")]
    public async Task A_bulk_request_with_a_forbidden_entry_changes_nothing()
    {
        var (open, locked) = await TwoDatastoresAsync();
        var before = await StatesAsync(open);
        var lockedBefore = await StatesAsync(locked);
        await ForbiddenPreconditionAsync(locked);

        var patch = await PatchAsync(As("member-author"), $$"""
            [{"id": {{open["a"].Id}}, "status": "Acknowledged"}, {"id": {{locked["x"].Id}}, "status": "Acknowledged"}]
            """);
        var delete = await BulkDeleteAsync(As("member-author"), $$"""
            [{"id": {{open["b"].Id}}, "archive": true, "status": "Resolved"}, {"id": {{locked["x"].Id}}, "archive": true, "status": "Resolved"}]
            """);

        patch.ShouldBeRefused("when one PATCH entry is on a datastore where the caller is only Viewer");
        delete.ShouldBeRefused("when one DELETE entry is on a datastore where the caller is only Viewer");
        await ShouldBeUnchangedAsync(open, before, "a bulk request with a forbidden entry changes nothing, its permitted entries included");
        await ShouldBeUnchangedAsync(locked, lockedBefore, "the forbidden entry changes nothing");
    }

    [Test]
    [Rule("BULK-ERRORS-NAME-ENTRIES")]
    public async Task A_rejected_bulk_request_names_every_entry_at_fault()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b").Anomaly("c"));

        var patch = (await PatchAsync(As("member-author"), $$"""
            [{"id": {{world["a"].Id}}, "status": "Acknowledged"}, {"id": {{Unknown}}, "status": "Acknowledged"}, {"id": {{world["b"].Id}}, "status": "Closed"}]
            """)).ShouldBeRefused("for a PATCH with an unknown and an invalid entry");
        var delete = (await BulkDeleteAsync(As("member-author"), $$"""
            [{"id": {{Unknown}}, "archive": true, "status": "Resolved"}, {"id": {{world["c"].Id}}, "archive": true, "status": "Closed"}]
            """)).ShouldBeRefused("for a DELETE with an unknown entry and one with an unknown status");

        ShouldNameEntries(patch, (1, JsonValue.Create(Unknown), 404), (2, JsonValue.Create(world["b"].Id), 422));
        ShouldNameEntries(delete, (0, JsonValue.Create(Unknown), 404), (1, JsonValue.Create(world["c"].Id), 422));
    }

    [Test]
    [Rule("BULK-ERROR-STATUS-PRECEDENCE")]
    public async Task A_rejected_bulk_request_answers_422_before_404_before_403()
    {
        var (open, locked) = await TwoDatastoresAsync();
        await ForbiddenPreconditionAsync(locked);
        var author = As("member-author");

        (await PatchAsync(author, $$"""[{"id": {{Unknown}}, "status": "Acknowledged"}, {"id": {{open["a"].Id}}, "status": "Closed"}]"""))
            .ShouldHaveStatus(422, "when one entry is unknown and a later one invalid: invalid comes first");
        (await PatchAsync(author, $$"""[{"id": {{locked["x"].Id}}, "status": "Acknowledged"}, {"id": {{Unknown}}, "status": "Acknowledged"}]"""))
            .ShouldHaveStatus(404, "when one entry is forbidden and a later one unknown: unknown comes before forbidden");
        (await BulkDeleteAsync(author, $$"""[{"id": {{locked["x"].Id}}, "archive": true, "status": "Resolved"}, {"id": {{open["b"].Id}}, "archive": true, "status": "Closed"}]"""))
            .ShouldHaveStatus(422, "when a DELETE entry is forbidden and a later one invalid");
        (await BulkDeleteAsync(author, $$"""[{"id": {{open["b"].Id}}, "archive": true, "status": "Resolved"}, {"id": {{locked["x"].Id}}, "archive": true, "status": "Resolved"}]"""))
            .ShouldHaveStatus(403, "when the only entry at fault is forbidden");
    }

    [Test]
    [Rule("BULK-DUPLICATE-ENTRY")]
    public async Task A_bulk_request_naming_one_anomaly_twice_is_rejected_and_changes_nothing()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a", new() { Status = "Active", Tags = ["Keep"] }).Anomaly("b"));
        var before = await StatesAsync(world);
        var a = world["a"];
        var b = world["b"];

        // The first entry restates the status, so only the duplicate's own effect could show (partial
        // application of the entries before it is BULK-ATOMIC's concern).
        (await PatchAsync(As("member-author"), $$"""[{"id": {{a.Id}}, "status": "Active"}, {"id": {{a.Id}}, "tags": []}]"""))
            .ShouldHaveStatus(422, "for a PATCH naming one id twice");
        (await PatchAsync(As("member-author"), $$"""[{"id": {{a.Id}}, "status": "Active"}, {"id": "{{a.Uuid}}", "tags": []}]"""))
            .ShouldHaveStatus(422, "for a PATCH naming one anomaly by id and by UUID");
        (await BulkDeleteAsync(As("member-author"), $$"""[{"id": {{b.Id}}, "archive": true, "status": "Resolved"}, {"id": {{b.Id}}, "archive": true, "status": "Invalid"}]"""))
            .ShouldHaveStatus(422, "for a bulk DELETE naming one id twice");
        (await BulkDeleteAsync(As("member-author"), $$"""[{"id": "{{b.Uuid}}", "archive": true, "status": "Resolved"}, {"id": {{b.Id}}, "archive": true, "status": "Invalid"}]"""))
            .ShouldHaveStatus(422, "for a bulk DELETE naming one anomaly by UUID and by id");

        await ShouldBeUnchangedAsync(world, before, "a rejected duplicate changes nothing");
    }

    [Test]
    [Rule("BULK-SIZE-LIMITS")]
    public async Task An_empty_bulk_body_or_one_of_more_than_1000_entries_is_rejected_and_changes_nothing()
    {
        var world = await ProvisionOneAsync();
        var before = await StatesAsync(world);
        // The first entry is real; the other 1000 name ids no anomaly has, so only the size can make the answer 422.
        var patch = new JsonArray(new JsonObject { ["id"] = world["a"].Id, ["status"] = "Acknowledged" });
        var delete = new JsonArray(new JsonObject { ["id"] = world["a"].Id, ["archive"] = true, ["status"] = "Resolved" });
        for (var i = 1; i <= 1000; i++)
        {
            patch.Add(new JsonObject { ["id"] = Unknown + i, ["status"] = "Acknowledged" });
            delete.Add(new JsonObject { ["id"] = Unknown + i, ["archive"] = true, ["status"] = "Resolved" });
        }

        (await PatchAsync(As("member-author"), "[]")).ShouldHaveStatus(422, "for an empty PATCH array");
        (await PatchAsync(As("member-author"), patch.ToJsonString())).ShouldHaveStatus(422, "for a PATCH of 1001 entries");
        (await BulkDeleteAsync(As("member-author"), "[]")).ShouldHaveStatus(422, "for an empty bulk DELETE array");
        (await BulkDeleteAsync(As("member-author"), delete.ToJsonString())).ShouldHaveStatus(422, "for a bulk DELETE of 1001 entries");

        await ShouldBeUnchangedAsync(world, before, "a bulk body outside the size bounds changes nothing");
    }

    [Test]
    [Rule("BULK-DELETE-SAME-FIELDS")]
    public async Task Each_bulk_delete_entry_archives_with_its_own_status_comment_and_mentions()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b").Anomaly("c"));
        var viewer = UserIdOf(As("member-viewer"));
        // Only the comments the archive adds are judged: an existing anomaly may carry comments already.
        var earlier = await Task.WhenAll(new[] { "a", "b", "c" }.Select(key => CommentListAsync(world[key])));
        async Task<List<JsonObject>> AddedAsync(int i, string key) => Since(await CommentListAsync(world[key]), earlier[i]);

        var response = (await BulkDeleteAsync(As("member-author"), $$"""
            [{"id": {{world["a"].Id}}, "archive": true, "status": "Resolved", "comment": "fixed upstream"},
             {"id": {{world["b"].Id}}, "archive": true, "status": "Duplicate", "comment": "same as the other", "mentioned_user_ids": [{{viewer}}]},
             {"id": {{world["c"].Id}}, "archive": true, "status": "Invalid"}]
            """)).ShouldSucceed("for a bulk archive with different statuses and comments");

        (await SnapshotAsync(world["a"])).Status().Should().Be("Resolved", "entry a's own status: {0}", response);
        (await SnapshotAsync(world["b"])).Status().Should().Be("Duplicate", "entry b's own status: {0}", response);
        (await SnapshotAsync(world["c"])).Status().Should().Be("Invalid", "entry c's own status: {0}", response);
        (await AddedAsync(0, "a")).Select(Read.CommentText).Should().Equal(["fixed upstream"], "entry a's own comment");
        var bComments = await AddedAsync(1, "b");
        bComments.Select(Read.CommentText).Should().Equal(["same as the other"], "entry b's own comment");
        Read.Mentions(bComments[0]).Should().Equal([viewer], "entry b's own mentions");
        (await AddedAsync(2, "c")).Should().BeEmpty("entry c carried no comment");
    }

    [Test]
    [Rule("BULK-DELETE-HARD-ARCHIVED")]
    public async Task A_bulk_hard_delete_entry_beside_an_archiving_entry_removes_its_archived_anomaly()
    {
        var world = await ProvisionAsync(b => b.Anomaly("open").Anomaly("archived", new() { Status = "Resolved" }));

        var response = (await BulkDeleteAsync(As("member-author"), $$"""
            [{"id": {{world["open"].Id}}, "archive": true, "status": "Resolved"}, {"id": {{world["archived"].Id}}, "archive": false}]
            """)).ShouldSucceed("for a bulk DELETE archiving one anomaly and hard-deleting another");

        (await SnapshotAsync(world["open"])).Status().Should().Be("Resolved", "the archiving entry archives: {0}", response);
        (await GetAnomalyAsync(Admin, world["archived"].Id)).ShouldNotBe(world["archived"], "after its bulk hard delete");
    }

    [Test]
    [Rule("HARD-DELETE-ONLY-ARCHIVED")]
    public async Task A_bulk_hard_delete_of_an_open_anomaly_is_refused_and_changes_nothing()
    {
        var world = await ProvisionAsync(b => b.Anomaly("active", new() { Status = "Active" }).Anomaly("acknowledged", new() { Status = "Acknowledged" }));
        var before = await StatesAsync(world);

        foreach (var key in world.Anomalies.Keys)
        {
            (await BulkDeleteAsync(As("member-author"), $$"""[{"id": {{world[key].Id}}, "archive": false}]"""))
                .ShouldBeRefused($"for a bulk hard delete of the {key} anomaly: hard delete only works on archived anomalies");
        }

        await ShouldBeUnchangedAsync(world, before, "a refused bulk hard delete changes nothing");
    }

    [Test]
    [Rule("BULK-DELETE-HARD-OPEN-REFUSED")]
    public async Task A_bulk_hard_delete_with_one_open_anomaly_is_answered_409_and_changes_nothing()
    {
        var world = await ProvisionAsync(b => b.Anomaly("archived", new() { Status = "Resolved" }).Anomaly("open", new() { Status = "Acknowledged" }).Anomaly("probe"));
        var lone = await BulkDeleteAsync(As("member-author"), $$"""[{"id": {{world["probe"].Id}}, "archive": false}]""");
        Precondition(IsRefusal(lone), "a lone bulk hard-delete entry of an open anomaly being refused", "HARD-DELETE-ONLY-ARCHIVED", lone);
        var before = await StatesAsync(world);

        (await BulkDeleteAsync(As("member-author"), $$"""
            [{"id": {{world["archived"].Id}}, "archive": false}, {"id": {{world["open"].Id}}, "archive": false}]
            """)).ShouldHaveStatus(409, "for a bulk hard delete naming an open anomaly");

        await ShouldBeUnchangedAsync(world, before, "nothing in the batch changes, the archived anomaly's entry included");
    }

    /// <summary>A world the author may write to, and one where the author is only Viewer.</summary>
    private static async Task<(World Open, World Locked)> TwoDatastoresAsync() =>
        (await ProvisionAsync(b => b.Anomaly("a").Anomaly("b")), await ProvisionAsync(b => b.Anomaly("x").Grant("member-author", "Viewer")));

    /// <summary>The locked entry is refused on its own, so a batch holding it must be refused as a whole.</summary>
    private static async Task ForbiddenPreconditionAsync(World locked)
    {
        var alone = await PatchAsync(As("member-author"), $$"""[{"id": {{locked["x"].Id}}, "status": "Acknowledged"}]""");
        var aloneDelete = await BulkDeleteAsync(As("member-author"), $$"""[{"id": {{locked["x"].Id}}, "archive": true, "status": "Resolved"}]""");
        Precondition(alone.Status == 403 && aloneDelete.Status == 403, "a lone entry on a datastore where the caller is Viewer being refused with 403", "PERM-BULK-AUTHOR-EACH", alone, aloneDelete);
    }

    private static void ShouldNameEntries(ApiResponse response, params (int Index, JsonNode Id, int Status)[] expected)
    {
        var body = response.Json as JsonObject;
        FailUnless(body?["detail"] is JsonValue, "expected a rejected bulk request to carry a detail", response);
        var errors = body?["errors"] as JsonArray;
        FailUnless(errors is not null, "expected a rejected bulk request to carry an errors list", response);
        var named = errors!.Select(e => (Index: e?["index"]?.GetValue<int>(), Id: e?["id"], Status: e?["status"]?.GetValue<int>(), Detail: e?["detail"])).ToList();
        foreach (var (index, id, status) in expected)
        {
            var entry = named.FirstOrDefault(n => n.Index == index);
            FailUnless(entry.Index is not null, $"expected errors to name entry {index}", response);
            FailUnless(JsonNode.DeepEquals(entry.Id, id), $"expected the error of entry {index} to give its id as sent ({id.ToJsonString()})", response);
            FailUnless(entry.Status == status, $"expected the error of entry {index} to give its own status {status}", response);
            FailUnless(entry.Detail is JsonValue, $"expected the error of entry {index} to carry a detail", response);
        }

        named.Select(n => n.Index).Should().BeEquivalentTo(expected.Select(e => (int?)e.Index), "errors names exactly the entries at fault: {0}", response);
    }

    private static JsonNode? Comparable(JsonObject anomaly, string field) => field switch
    {
        "global_tags" => new JsonArray(anomaly.TagNames().Select(n => (JsonNode?)n).ToArray()),
        "assignees" => new JsonArray(anomaly.AssigneeIds().Select(i => (JsonNode?)i).ToArray()),
        _ => Read.Required(anomaly, field, "the anomaly")?.DeepClone(),
    };
}
