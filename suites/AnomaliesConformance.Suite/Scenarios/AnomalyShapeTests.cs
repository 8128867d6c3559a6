using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Scenarios;

/// <summary>The anomaly object every read emits: its fields, their types and values (the page's Anomaly schema).</summary>
[OnExistingData]
[Effect(CheckEffect.Read)]
public sealed class AnomalyShapeTests : ConformanceTest
{
    /// <summary>The six statuses, in the order an existing world of one of each gives them (<see cref="ExistingNeeds.EachStatus"/>).</summary>
    private static readonly IReadOnlyList<string> AllStatuses = ExistingNeeds.Statuses;
    private static readonly string[] ArchivedStatuses = ["Resolved", "Duplicate", "Invalid", "Discarded"];

    [Test]
    [Rule("ANOMALY-SAME-SHAPE")]
    [Effect(CheckEffect.ReversibleWrite)]
    public async Task Get_one_the_list_put_and_patch_emit_the_same_anomaly_object()
    {
        var world = await ProvisionOneAsync(new() { Tags = ["High"], Assignees = ["member-viewer"], Description = "same everywhere" });
        var anomaly = world["a"];

        // One caller (the Admin) for all four answers, so a view that differs by caller is another rule's
        // concern; archived=include keeps the Admin's default list scope (PERM-ADMIN-BYPASS) out of it too.
        var one = await SnapshotAsync(anomaly);
        var (items, list) = await ListedWithArchivedAsync(Admin, world);
        var listed = items.FirstOrDefault(a => a.Id() == anomaly.Id);
        FailUnless(listed is not null, $"expected the list of datastore(s) {string.Join(", ", world.Datastores)} to contain anomaly {anomaly.Id}", list);
        // Writes that change nothing, so their answers must equal what was read.
        var put = (await PutAsync(Admin, anomaly.Id, """{"status": "Active", "description": "same everywhere"}""")).ShouldSucceed("for a PUT that restates status and description");
        var patch = (await PatchAsync(Admin, $$"""[{"id": {{anomaly.Id}}, "status": "Active"}]""")).ShouldSucceed("for a PATCH that restates the status");

        JsonDiff.FirstDifference(one, listed).Should().BeNull("the list item is the same object as GET one: {0}", list);
        JsonDiff.FirstDifference(one, put.Object).Should().BeNull("PUT answers the same object as GET one: {0}", put);
        // Whether PATCH answers the anomalies it updated is BULK-PATCH-RETURNS-IN-ORDER's choice; those it answers are the same objects.
        var patched = Read.PageOf(patch, "BULK-PATCH-RETURNS-IN-ORDER").Items.SingleOrDefault(a => a.Id() == anomaly.Id);
        Precondition(patched is not null, "the PATCH answering the anomaly it updated", "BULK-PATCH-RETURNS-IN-ORDER", patch);
        JsonDiff.FirstDifference(one, patched).Should().BeNull("PATCH answers the same object as GET one: {0}", patch);
    }

    [Test]
    [Rule("ANOMALY-ID-NUMERIC")]
    public async Task Every_anomaly_id_is_a_json_integer_and_differs_between_anomalies()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b").Anomaly("c"));

        foreach (var anomaly in world.Anomalies.Values)
        {
            var one = (await GetAnomalyAsync(As("member-viewer"), anomaly.Id)).ShouldSucceed("reading the anomaly by its id");
            IsInteger(one.Object["id"]).Should().BeTrue("id is a numeric identifier, a JSON integer: {0}", one);
        }

        var (items, list) = await ListedWithArchivedAsync(As("member-viewer"), world);
        items.Select(a => Read.Required(a, "id", "a listed anomaly", list)).Should().OnlyContain(id => IsInteger(id), "every listed id is a JSON integer: {0}", list);
        // Different anomalies (their uuids) have different ids; a page that shifts (others' anomalies come and go
        // in a shared datastore) may list one anomaly twice, which is still one anomaly.
        items.GroupBy(a => a.Id()).Where(g => g.Select(a => a.Uuid()).Distinct(StringComparer.OrdinalIgnoreCase).Count() > 1).Select(g => g.Key)
            .Should().BeEmpty("each anomaly has its own id: {0}", list);
        world.Anomalies.Values.Select(own => own.Id).Where(id => !items.Any(a => a.Id() == id))
            .Should().BeEmpty("each of the world's anomalies is listed under its own id: {0}", list);
    }

    [Test]
    [Rule("ANOMALY-UUID-STABLE")]
    [Effect(CheckEffect.Destructive)]
    public async Task The_uuid_stays_the_same_across_reads_updates_and_archiving_and_differs_between_anomalies()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b"));
        var anomaly = world["a"];
        var author = As("member-author");
        var uuids = new List<string?> { (await SnapshotAsync(anomaly)).Uuid() };

        (await PutAsync(author, anomaly.Id, $$"""{"assignee_ids": [{{As("member-viewer").UserId}}]}""")).ShouldSucceed("updating the anomaly");
        uuids.Add((await SnapshotAsync(anomaly)).Uuid());
        (await PatchAsync(author, $$"""[{"id": {{anomaly.Id}}, "assignee_ids": []}]""")).ShouldSucceed("bulk-updating the anomaly");
        uuids.Add((await SnapshotAsync(anomaly)).Uuid());
        (await DeleteAsync(author, anomaly.Id, "?archive=true&status=Resolved")).ShouldSucceed("archiving the anomaly");
        uuids.Add((await SnapshotAsync(anomaly)).Uuid());

        uuids.Should().OnlyContain(u => string.Equals(u, anomaly.Uuid, StringComparison.OrdinalIgnoreCase),
            "the uuid {0} is stable through reads, PUT, PATCH and archiving; it was read as {1}", anomaly.Uuid, string.Join(", ", uuids));
        Guid.TryParse(anomaly.Uuid, out _).Should().BeTrue("the uuid is a UUID string");
        (await SnapshotAsync(world["b"])).Uuid().Should().NotBeEquivalentTo(anomaly.Uuid, "another anomaly has another uuid");
    }

    [Test]
    [Rule("ANOMALY-TYPE-VALUES")]
    public async Task The_type_is_record_or_shape_as_the_anomaly_was_created()
    {
        var world = await ProvisionAsync(b => b.Anomaly("record", new() { Type = "record" }).Anomaly("shape", new() { Type = "shape" }));

        foreach (var type in new[] { "record", "shape" })
        {
            (await SnapshotAsync(world[type])).Type().Should().Be(type, "GET one answers the type the anomaly was created with");
        }

        var (items, list) = await ListedWithArchivedAsync(As("member-viewer"), world);
        items.Select(a => a.Type()).Should().OnlyContain(t => t == "record" || t == "shape", "every listed type is record or shape: {0}", list);
        items.Where(a => world.Anomalies.Values.Any(own => own.Id == a.Id())).DistinctBy(a => a.Id()).ToDictionary(a => a.Id(), a => a.Type()).Should().BeEquivalentTo(
            new Dictionary<long, string> { [world["record"].Id] = "record", [world["shape"].Id] = "shape" }, "the list answers each anomaly's type: {0}", list);
    }

    [Test]
    [Rule("ANOMALY-STATUS-VALUES")]
    public async Task The_status_is_always_one_of_the_six_statuses()
    {
        var world = await OneOfEachStatusAsync();

        foreach (var status in AllStatuses)
        {
            (await SnapshotAsync(world[status])).Status().Should().Be(status, "GET one answers the status the anomaly has, one of the six");
        }

        var (items, list) = await ListedWithArchivedAsync(As("member-viewer"), world);
        items.Select(a => a.Status()).Should().OnlyContain(s => AllStatuses.Contains(s), "every listed status is one of the six: {0}", list);
    }

    [Test]
    [Rule("ANOMALY-STATUS-VALUES")]
    public async Task A_soft_deleted_anomaly_still_has_one_of_the_six_statuses()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a", new() { Status = "Acknowledged", SoftDeleted = true }).OnExisting(ExistingNeeds.SoftDeleted));
        var response = await GetAnomalyAsync(As("member-viewer"), world["a"].Id, "?include_deleted=true");
        Precondition(response.Status is >= 200 and <= 299, "include_deleted=true surfacing the soft-deleted anomaly", "GET-INCLUDE-DELETED");

        response.Object.Status().Should().BeOneOf(AllStatuses, "a soft-deleted anomaly keeps one of the six statuses: {0}", response);
    }

    [Test]
    [Rule("ANOMALY-ARCHIVED-FLAG")]
    public async Task Archived_is_true_exactly_for_the_four_archived_statuses()
    {
        var world = await OneOfEachStatusAsync();

        foreach (var status in AllStatuses)
        {
            ArchivedFlag(await SnapshotAsync(world[status])).Should().Be(ArchivedStatuses.Contains(status), "archived is derived from the status {0}", status);
        }

        var (items, list) = await ListedWithArchivedAsync(As("member-viewer"), world);
        items.Should().OnlyContain(a => ArchivedFlag(a) == ArchivedStatuses.Contains(a.Status()), "each listed anomaly's archived flag matches its status: {0}", list);
    }

    [Test]
    [Rule("ANOMALY-CREATED-ISO8601")]
    public async Task Created_is_an_iso_8601_date_time_of_the_moment_the_anomaly_was_detected()
    {
        var detected = new DateTimeOffset(2026, 5, 15, 17, 22, 8, TimeSpan.Zero).AddTicks(1_234_560);
        var world = await ProvisionOneAsync(new() { Created = detected });

        // The moment, to the second: how many fraction digits a timestamp carries is TIMESTAMPS-MICROSECONDS'.
        var created = Read.RequiredString(await SnapshotAsync(world["a"]), "created", "the anomaly");
        Read.Instant(created).Should().BeCloseTo(detected, TimeSpan.FromSeconds(1), "created ({0}) is the moment the anomaly was detected, with its offset", created);

        var list = (await ListAsync(As("member-viewer"), ("datastore", world.DatastoreId))).ShouldSucceed("listing the datastore");
        var listed = Read.RequiredString(list.ListItems().Single(), "created", "the listed anomaly", list);
        Read.Instant(listed).Should().BeCloseTo(detected, TimeSpan.FromSeconds(1), "the list answers the same instant: {0}", list);
    }

    [Test]
    [Rule("TIMESTAMPS-MICROSECONDS")]
    public async Task Timestamps_are_utc_with_six_fraction_digits_and_keep_the_microseconds()
    {
        var detected = new DateTimeOffset(2026, 5, 15, 17, 22, 8, TimeSpan.Zero).AddTicks(1_234_560);
        var world = await ProvisionOneAsync(new() { Created = detected, Comments = [new("member-viewer", "stamped", detected.AddMinutes(1))] });

        var created = Read.RequiredString(await SnapshotAsync(world["a"]), "created", "the anomaly");
        Precondition(Read.Instant(created) is { } instant && (instant - detected).Duration() < TimeSpan.FromSeconds(1), "created naming the moment of detection", "ANOMALY-CREATED-ISO8601");
        created.Should().Be("2026-05-15T17:22:08.123456Z", "created is written in UTC with Z and exactly six fraction digits, keeping the microseconds");
        var comment = (await CommentListAsync(world["a"])).Single();
        Read.RequiredString(comment, "created", "the comment").Should().Be("2026-05-15T17:23:08.123456Z", "a comment's created is written the same way: {0}", comment.ToJsonString());
    }

    [Test]
    [Rule("ANOMALY-FINGERPRINT-INT")]
    public async Task The_fingerprint_is_an_int64_read_back_exactly()
    {
        // Above 2^53: a server that passes the value through a double cannot answer it exactly.
        const long fingerprint = 9_182_736_455_123_456_789;
        var world = await ProvisionOneAsync(new() { Fingerprint = fingerprint });
        var asString = Expectation("fingerprint_as_string") == "true";

        var one = await SnapshotAsync(world["a"]);
        var list = (await ListAsync(As("member-viewer"), ("datastore", world.DatastoreId))).ShouldSucceed("listing the datastore");

        foreach (var (where, value) in new[] { ("GET one", Read.Required(one, "fingerprint", "the anomaly")), ("the list", Read.Required(list.ListItems().Single(), "fingerprint", "the listed anomaly", list)) })
        {
            var exact = asString
                ? value is JsonValue s && s.GetValueKind() == JsonValueKind.String && s.GetValue<string>() == fingerprint.ToString(CultureInfo.InvariantCulture)
                : IsInteger(value) && value!.GetValue<long>() == fingerprint;
            exact.Should().BeTrue("{0} answers the fingerprint {1} as {2}, exactly; it answered {3}", where, fingerprint, asString ? "a string (profile)" : "a JSON integer", value?.ToJsonString());
        }
    }

    [Test]
    [Rule("ANOMALY-SOURCE-LOCATION")]
    public async Task Datastore_and_container_name_where_the_anomaly_was_found()
    {
        var world = await ProvisionAsync(b => b.Container("orders").Anomaly("in-main").Anomaly("in-orders", new() { Container = "orders" }));
        var viewer = As("member-viewer");

        // Read as a team member would (GET one and the list); how a reference is spelled ({id, name} or an id) is the shape's business.
        var list = (await ListAsync(viewer, ("datastore", world.DatastoreId))).ShouldSucceed("listing the datastore");
        foreach (var (key, container) in new[] { ("in-main", "main"), ("in-orders", "orders") })
        {
            var one = (await GetAnomalyAsync(viewer, world[key].Id)).ShouldSucceed($"reading anomaly {key}");
            Precondition(AnomalyJson.IdOf(one.Object["id"]) == world[key].Id, "GET one answering the anomaly asked for", "GET-BY-ID", one);
            var listed = list.ListItems().SingleOrDefault(a => a.Id() == world[key].Id);
            FailUnless(listed is not null, $"expected the list of the datastore to hold anomaly {key}", list);
            foreach (var (where, anomaly, answer) in new[] { ("GET one", one.Object, one), ("the list", listed!, list) })
            {
                Read.RefId(anomaly, "datastore", answer).Should().Be(world.DatastoreId, "{0} names the datastore anomaly {1} was found in: {2}", where, key, answer);
                Read.RefId(anomaly, "container", answer).Should().Be(world.Containers[container], "{0} names the container anomaly {1} was found in: {2}", where, key, answer);
            }
        }
    }

    /// <summary>An anomaly of each status: on existing data, of one datastore, as they are (read back, never archived for the check).</summary>
    private static Task<World> OneOfEachStatusAsync() => ProvisionAsync(b =>
    {
        foreach (var status in AllStatuses)
        {
            b.Anomaly(status, new() { Status = status });
        }

        b.OnExisting(ExistingNeeds.EachStatus);
    });

    /// <summary>
    /// The anomalies listed of the world's datastores with archived=include, up to the world's own, and the last
    /// answer: on existing data others' too, which share every property of an anomaly's shape.
    /// </summary>
    private static async Task<(List<JsonObject> Items, ApiResponse Last)> ListedWithArchivedAsync(Actor actor, World world)
    {
        var pages = await ListPagesAsync(actor, world, untilOwnListed: true, "listing the world's datastores with archived=include", ("archived", "include"));
        return ([.. pages.SelectMany(p => p.ListItems())], pages[^1]);
    }

    private static bool? ArchivedFlag(JsonObject anomaly) => anomaly["archived"] is JsonValue v && v.TryGetValue<bool>(out var flag) ? flag : null;

    private static bool IsInteger(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out _);

}
