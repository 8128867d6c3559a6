using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Core.Running;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;

namespace AnomaliesConformance.Suite.Scenarios;

/// <summary>The anomaly object every read emits: its fields, their types and values (the page's Anomaly schema).</summary>
[Effect(CheckEffect.Read)]
public sealed class AnomalyShapeTests : ConformanceTest
{
    private static readonly string[] AllStatuses = ["Active", "Acknowledged", "Resolved", "Duplicate", "Invalid", "Discarded"];
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
        var list = (await ListAsync(Admin, ("datastore", world.DatastoreId), ("archived", "include"))).ShouldHaveStatus(200, "listing the anomaly's datastore");
        var listed = list.Object.Items().SingleOrDefault(a => a.Id() == anomaly.Id);
        FailUnless(listed is not null, $"expected the list of datastore {world.DatastoreId} to contain anomaly {anomaly.Id}", list);
        // Writes that change nothing, so their answers must equal what was read.
        var put = (await PutAsync(Admin, anomaly.Id, """{"status": "Active", "description": "same everywhere"}""")).ShouldHaveStatus(200, "for a PUT that restates status and description");
        var patch = (await PatchAsync(Admin, $$"""[{"id": {{anomaly.Id}}, "status": "Active"}]""")).ShouldHaveStatus(200, "for a PATCH that restates the status");

        JsonDiff.FirstDifference(one, listed).Should().BeNull("the list item is the same object as GET one: {0}", list);
        JsonDiff.FirstDifference(one, put.Object).Should().BeNull("PUT answers the same object as GET one: {0}", put);
        JsonDiff.FirstDifference(one, patch.Array.FirstOrDefault()).Should().BeNull("PATCH answers the same object as GET one: {0}", patch);
    }

    [Test]
    [Rule("ANOMALY-ID-NUMERIC")]
    public async Task Every_anomaly_id_is_a_json_integer_and_differs_between_anomalies()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b").Anomaly("c"));

        foreach (var anomaly in world.Anomalies.Values)
        {
            var one = (await GetAnomalyAsync(As("member-viewer"), anomaly.Id)).ShouldHaveStatus(200, "reading the anomaly by its id");
            IsInteger(one.Object["id"]).Should().BeTrue("id is a numeric identifier, a JSON integer: {0}", one);
        }

        var list = (await ListAsync(As("member-viewer"), ("datastore", world.DatastoreId))).ShouldHaveStatus(200, "listing the datastore");
        var ids = list.Object.Items().Select(a => a["id"]).ToList();
        ids.Should().OnlyContain(id => IsInteger(id), "every listed id is a JSON integer: {0}", list);
        ids.Select(id => id!.GetValue<long>()).Should().BeEquivalentTo(world.Anomalies.Values.Select(a => a.Id), "each anomaly has its own id: {0}", list);
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

        (await PutAsync(author, anomaly.Id, $$"""{"assignee_ids": [{{As("member-viewer").UserId}}]}""")).ShouldHaveStatus(200, "updating the anomaly");
        uuids.Add((await SnapshotAsync(anomaly)).Uuid());
        (await PatchAsync(author, $$"""[{"id": {{anomaly.Id}}, "assignee_ids": []}]""")).ShouldHaveStatus(200, "bulk-updating the anomaly");
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

        var list = (await ListAsync(As("member-viewer"), ("datastore", world.DatastoreId))).ShouldHaveStatus(200, "listing the datastore");
        list.Object.Items().ToDictionary(a => a.Id(), a => a.Type()).Should().BeEquivalentTo(
            new Dictionary<long, string?> { [world["record"].Id] = "record", [world["shape"].Id] = "shape" }, "the list answers each anomaly's type: {0}", list);
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

        var list = (await ListAsync(As("member-viewer"), ("datastore", world.DatastoreId), ("archived", "include"))).ShouldHaveStatus(200, "listing with archived=include");
        list.Object.Items().Select(a => a.Status()).Should().OnlyContain(s => AllStatuses.Contains(s), "every listed status is one of the six: {0}", list);
    }

    [Test]
    [Rule("ANOMALY-STATUS-VALUES")]
    public async Task A_soft_deleted_anomaly_still_has_one_of_the_six_statuses()
    {
        var world = await ProvisionOneAsync(new() { Status = "Acknowledged", SoftDeleted = true });
        var response = await GetAnomalyAsync(As("member-viewer"), world["a"].Id, "?include_deleted=true");
        Precondition(response.Status == 200, "include_deleted=true surfacing the soft-deleted anomaly", "GET-INCLUDE-DELETED");

        response.Object.Status().Should().BeOneOf(AllStatuses, "a soft-deleted anomaly keeps one of the six statuses: {0}", response);
    }

    [Test]
    [Rule("ANOMALY-ARCHIVED-FLAG")]
    public async Task Archived_is_true_exactly_for_the_four_archived_statuses()
    {
        var world = await OneOfEachStatusAsync();

        foreach (var status in AllStatuses)
        {
            (await SnapshotAsync(world[status])).Archived().Should().Be(ArchivedStatuses.Contains(status), "archived is derived from the status {0}", status);
        }

        var list = (await ListAsync(As("member-viewer"), ("datastore", world.DatastoreId), ("archived", "include"))).ShouldHaveStatus(200, "listing with archived=include");
        list.Object.Items().Should().OnlyContain(a => a.Archived() == ArchivedStatuses.Contains(a.Status() ?? ""), "each listed anomaly's archived flag matches its status: {0}", list);
    }

    [Test]
    [Rule("ANOMALY-CREATED-ISO8601")]
    public async Task Created_is_an_iso_8601_date_time_of_the_moment_the_anomaly_was_detected()
    {
        var detected = new DateTimeOffset(2026, 5, 15, 17, 22, 8, TimeSpan.Zero).AddTicks(1_234_560);
        var world = await ProvisionOneAsync(new() { Created = detected });

        var created = (await SnapshotAsync(world["a"]))["created"]?.GetValue<string>();
        Instant(created).Should().Be(detected, "created ({0}) is the moment the anomaly was detected, with its offset", created);

        var list = (await ListAsync(As("member-viewer"), ("datastore", world.DatastoreId))).ShouldHaveStatus(200, "listing the datastore");
        Instant(list.Object.Items().Single()["created"]?.GetValue<string>()).Should().Be(detected, "the list answers the same instant: {0}", list);
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
        var list = (await ListAsync(As("member-viewer"), ("datastore", world.DatastoreId))).ShouldHaveStatus(200, "listing the datastore");

        foreach (var (where, value) in new[] { ("GET one", one["fingerprint"]), ("the list", list.Object.Items().Single()["fingerprint"]) })
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

        foreach (var (key, container) in new[] { ("in-main", "main"), ("in-orders", "orders") })
        {
            var anomaly = await SnapshotAsync(world[key]);
            anomaly["datastore"]?["id"]?.GetValue<long>().Should().Be(world.DatastoreId, "anomaly {0} was found in datastore {1}", key, world.DatastoreId);
            anomaly["datastore"]?["name"]?.GetValue<string>().Should().Be($"{world.Prefix} datastore", "the datastore reference carries its name");
            anomaly["container"]?["id"]?.GetValue<long>().Should().Be(world.Containers[container], "anomaly {0} was found in container {1}", key, container);
            anomaly["container"]?["name"]?.GetValue<string>().Should().Be($"{world.Prefix} {container}", "the container reference carries its name");
        }
    }

    private static Task<World> OneOfEachStatusAsync() => ProvisionAsync(b =>
    {
        foreach (var status in AllStatuses)
        {
            b.Anomaly(status, new() { Status = status });
        }
    });

    private static bool IsInteger(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out _);

    /// <summary>The instant of an ISO 8601 date-time that states its offset (Z or ±hh:mm); null otherwise.</summary>
    private static DateTimeOffset? Instant(string? text) =>
        text is { Length: > 6 } && text.Contains('T', StringComparison.Ordinal) && (text.EndsWith('Z') || text[^6] is '+' or '-')
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var value)
            ? value
            : null;
}
