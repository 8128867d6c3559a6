using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Scenarios;

/// <summary>
/// Links between an anomaly and an external ticket, written by a Manager with Author. The page says what a
/// link records, not what a create answers: the MUST checks read links from their anomaly's list, and the
/// create answer (201 with the link) is TICKET-LINK-CREATE-ANSWER's.
/// </summary>
[OnExistingData]
[Effect(CheckEffect.ReversibleWrite)]
public sealed class TicketLinkTests : ConformanceTest
{
    private static Actor Manager => As("manager-author");

    [Test]
    [Rule("TICKET-LINK-CREATE")]
    public async Task A_link_with_the_required_fields_or_with_all_fields_creates_one_link_on_the_anomaly()
    {
        var world = await LinkWorldAsync();
        var anomaly = world["a"];

        foreach (var body in RequiredAndAllFields(world))
        {
            var before = await LinkIdsAsync(anomaly);
            var created = (await CreateLinkAsync(Manager, anomaly.Id, body.ToJsonString())).ShouldSucceed("for a Manager with Author creating a link");
            (await LinkIdsAsync(anomaly)).Except(before).Should().ContainSingle("one POST links one ticket to the anomaly: {0}", created);
        }
    }

    [Test]
    [Rule("TICKET-LINK-CREATE-ANSWER")]
    public async Task A_created_link_is_answered_201_with_its_own_id_and_the_fields_sent()
    {
        var world = await LinkWorldAsync();
        var anomaly = world["a"];

        var ids = new List<long>();
        foreach (var body in RequiredAndAllFields(world))
        {
            var created = await CreateLinkAsync(Manager, anomaly.Id, body.ToJsonString());
            Precondition(created.Status is >= 200 and <= 299, "the link being created", "TICKET-LINK-CREATE", created);
            created.ShouldHaveStatus(201, "for a Manager with Author creating a link");
            var link = created.Object;
            AnomalyJson.IdOf(link["id"]).Should().NotBeNull("the link answers its own id: {0}", created);
            ids.Add(link.Id());
            AnomalyJson.IdOf(link["anomaly_id"]).Should().Be(anomaly.Id, "the link belongs to the anomaly of the path: {0}", created);
            foreach (var (field, value) in body)
            {
                JsonDiff.FirstDifference(value, link[field]).Should().BeNull("the link answers the {0} sent: {1}", field, created);
            }

            foreach (var optional in new[] { "ticket_url", "ticket_metadata" }.Where(f => !body.ContainsKey(f)))
            {
                link[optional].Should().BeNull("{0} was not sent: {1}", optional, created);
            }
        }

        ids.Should().OnlyHaveUniqueItems("each link has its own id");
    }

    [Test]
    [Rule("TICKET-LINK-LISTED")]
    public async Task A_created_link_is_listed_with_the_fields_sent_on_its_anomaly_and_on_no_other()
    {
        var world = await LinkWorldAsync(anomalies: 2);
        var sent = JsonNode.Parse(Body(world, url: "https://example.com/INC0001"))!.AsObject();

        // Read as a Viewer, the least caller that may list links, as a team member would see them.
        var (created, link) = await CreateAndFindAsync(world, "a", sent.ToJsonString(), As("member-viewer"));
        foreach (var (field, value) in sent)
        {
            JsonDiff.FirstDifference(value, Read.Required(link, field, "the listed link")).Should().BeNull("the listed link holds the {0} sent: {1}", field, link.ToJsonString());
        }

        // Only the link made here is looked for: an existing anomaly may hold links of its own.
        var onB = (await TicketLinksAsync(As("member-viewer"), world["b"].Id)).ShouldSucceed("listing anomaly b's links");
        onB.Links().Select(Read.LinkId).Should().NotContain(Read.LinkId(link), "another anomaly of the same datastore does not list it ({0}): {1}", created.Summary, onB);
    }

    [TestCase("integration_id")]
    [TestCase("ticket_id")]
    [TestCase("ticket_number")]
    [TestCase("status")]
    [Rule("TICKET-LINK-REQUIRED-FIELDS")]
    public async Task A_link_missing_a_required_field_is_rejected_and_creates_nothing(string missing)
    {
        var world = await LinkWorldAsync();
        var body = JsonNode.Parse(Body(world))!.AsObject();
        body.Remove(missing);
        var before = await LinkIdsAsync(world["a"]);

        // Which refusal code is ERRORS-INVALID-INPUT-422's.
        (await CreateLinkAsync(Manager, world["a"].Id, body.ToJsonString())).ShouldBeRefused($"for a link without {missing}");

        (await LinkIdsAsync(world["a"])).Should().Equal(before, "the rejected link was not created");
    }

    [Test]
    [Rule("TICKET-LINK-UNKNOWN-INTEGRATION")]
    public async Task A_link_to_an_integration_that_does_not_exist_is_rejected_and_creates_nothing()
    {
        var world = await LinkWorldAsync();
        var before = await LinkIdsAsync(world["a"]);

        (await CreateLinkAsync(Manager, world["a"].Id, """{"integration_id": 8999999999, "ticket_id": "sys-1", "ticket_number": "INC1", "status": "New"}"""))
            .ShouldHaveStatus(422, "for integration_id 8999999999, which names no integration").ShouldHaveDetail();

        (await LinkIdsAsync(world["a"])).Should().Equal(before, "the rejected link was not created");
    }

    [Test]
    [Rule("TICKET-LINK-IDS-STORED")]
    public async Task Ticket_id_and_number_are_stored_as_the_strings_sent()
    {
        var world = await LinkWorldAsync();
        // An all-digit id with leading zeros and a number with spaces and punctuation: strings, not numbers.
        const string ticketId = "000123";
        const string ticketNumber = "INC-0042 / a";

        var (_, link) = await CreateAndFindAsync(world, "a", Body(world, ticketId: ticketId, ticketNumber: ticketNumber));

        Read.RequiredString(link, "ticket_id", "the listed link").Should().Be(ticketId, "the list returns ticket_id unchanged");
        Read.RequiredString(link, "ticket_number", "the listed link").Should().Be(ticketNumber, "the list returns ticket_number unchanged");
    }

    [Test]
    [Rule("TICKET-LINK-STATUS-STORED")]
    public async Task The_status_given_at_creation_is_returned_unchanged()
    {
        var world = await LinkWorldAsync();
        const string status = "in progress (awaiting vendor)";

        var (_, link) = await CreateAndFindAsync(world, "a", Body(world, status: status));

        Read.RequiredString(link, "status", "the listed link").Should().Be(status, "the list returns the external status unchanged");
    }

    [Test]
    [Rule("TICKET-LINK-URL-OPTIONAL")]
    public async Task A_link_may_omit_ticket_url_and_a_given_url_is_returned_unchanged()
    {
        var world = await LinkWorldAsync(anomalies: 2);
        const string url = "https://example.service-now.com/incident.do?sys_id=abc123sys&sysparm_view=ess#activity";

        var (_, without) = await CreateAndFindAsync(world, "a", Body(world));
        var (_, with) = await CreateAndFindAsync(world, "b", Body(world, url: url));

        without["ticket_url"].Should().BeNull("no ticket_url was given (absent or null): {0}", without.ToJsonString());
        Read.RequiredString(with, "ticket_url", "the listed link").Should().Be(url, "the list returns the ticket_url unchanged");
    }

    [Test]
    [Rule("TICKET-LINK-METADATA-STORED")]
    public async Task A_link_may_omit_ticket_metadata_and_a_given_object_is_returned_unchanged()
    {
        var world = await LinkWorldAsync(anomalies: 2);
        var metadata = new JsonObject
        {
            ["priority"] = "P1",
            ["labels"] = new JsonArray("data", "orders"),
            ["sla"] = new JsonObject { ["hours"] = 4, ["breached"] = false, ["escalation"] = new JsonObject { ["level"] = 2 } },
        };

        var (_, without) = await CreateAndFindAsync(world, "a", Body(world));
        var (_, with) = await CreateAndFindAsync(world, "b", Body(world, metadata: metadata));

        without["ticket_metadata"].Should().BeNull("no ticket_metadata was given (absent or null): {0}", without.ToJsonString());
        JsonDiff.FirstDifference(metadata, Read.Required(with, "ticket_metadata", "the listed link")).Should().BeNull("the list returns ticket_metadata unchanged, nested values included");
    }

    [Test]
    [Rule("TICKET-LINK-DELETE-ONLY-THAT")]
    public async Task Deleting_a_ticket_link_removes_only_that_link()
    {
        var world = await LinkWorldAsync();
        var anomaly = world["a"];
        var before = await SnapshotAsync(anomaly);
        var (_, first) = await CreateAndFindAsync(world, "a", Body(world, ticketId: "sys-1"));
        var (_, second) = await CreateAndFindAsync(world, "a", Body(world, ticketId: "sys-2"));

        var deleted = (await DeleteLinkAsync(Manager, anomaly.Id, Read.LinkId(first))).ShouldSucceed("deleting the first link");

        (await LinkIdsAsync(anomaly)).Should().Equal([Read.LinkId(second)], "only the deleted link is gone: {0}", deleted);
        JsonDiff.FirstDifference(AnomalyState.PageFields(before), AnomalyState.PageFields(await SnapshotAsync(anomaly))).Should().BeNull("the anomaly itself is unchanged by removing a link");
    }

    [Test]
    [Rule("TICKET-LINK-DELETE-FOREIGN")]
    public async Task A_link_is_not_deleted_through_another_anomalys_path()
    {
        var world = await LinkWorldAsync(anomalies: 2);
        var (a, b) = (world["a"], world["b"]);
        await CreateAndFindAsync(world, "a", Body(world, ticketId: "on-a"));
        var (_, onB) = await CreateAndFindAsync(world, "b", Body(world, ticketId: "on-b"));
        var before = (await LinkIdsAsync(a), await LinkIdsAsync(b));

        // A sub-resource path names its anomaly: b's link is not found through a's path. Which refusal is TICKET-LINK-FOREIGN-404's.
        (await DeleteLinkAsync(Manager, a.Id, Read.LinkId(onB))).ShouldBeRefused("for b's link deleted through a's path");
        (await DeleteLinkAsync(Manager, a.Id, 8_999_999_999)).ShouldBeRefused("for a link id that does not exist");

        (await LinkIdsAsync(a)).Should().Equal(before.Item1, "a's links are untouched");
        (await LinkIdsAsync(b)).Should().Equal(before.Item2, "b's link is not removed through another anomaly's path");
    }

    [Test]
    [Rule("TICKET-LINK-FOREIGN-404")]
    public async Task Deleting_another_anomalys_link_or_an_unknown_link_answers_404()
    {
        var world = await LinkWorldAsync(anomalies: 2);
        var (_, onB) = await CreateAndFindAsync(world, "b", Body(world, ticketId: "on-b"));

        var foreign = await DeleteLinkAsync(Manager, world["a"].Id, Read.LinkId(onB));
        var unknown = await DeleteLinkAsync(Manager, world["a"].Id, 8_999_999_999);
        Precondition(IsRefusal(foreign) && IsRefusal(unknown), "both deletes being refused", "TICKET-LINK-DELETE-FOREIGN", foreign, unknown);

        foreign.ShouldHaveStatus(404, "for b's link deleted through a's path: it is not a link of a");
        unknown.ShouldHaveStatus(404, "for a link id that does not exist");
    }

    /// <summary>A link body with only the required fields, and one with every field.</summary>
    private static JsonObject[] RequiredAndAllFields(World world) =>
    [
        new() { ["integration_id"] = world.Integrations["jira"], ["ticket_id"] = "sys-1", ["ticket_number"] = "INC0010001", ["status"] = "New" },
        new()
        {
            ["integration_id"] = world.Integrations["jira"], ["ticket_id"] = "sys-2", ["ticket_number"] = "INC0010002", ["status"] = "Open",
            ["ticket_url"] = "https://example.service-now.com/incident/INC0010002", ["ticket_metadata"] = new JsonObject { ["severity"] = "S2" },
        },
    ];

    private static Task<World> LinkWorldAsync(int anomalies = 1) => ProvisionAsync(b =>
    {
        foreach (var key in new[] { "a", "b" }.Take(anomalies))
        {
            b.Anomaly(key);
        }

        b.Integration("jira");
    });

    private static string Body(World world, string ticketId = "sys-1", string ticketNumber = "INC0001", string status = "New", string? url = null, JsonObject? metadata = null)
    {
        var body = new JsonObject { ["integration_id"] = world.Integrations["jira"], ["ticket_id"] = ticketId, ["ticket_number"] = ticketNumber, ["status"] = status };
        if (url is not null)
        {
            body["ticket_url"] = url;
        }

        if (metadata is not null)
        {
            body["ticket_metadata"] = metadata.DeepClone();
        }

        return body.ToJsonString();
    }

    /// <summary>Creates a link as the Manager and finds it in its anomaly's list, read by <paramref name="reader"/> (Admin by default): the one link the list did not hold before.</summary>
    private static async Task<(ApiResponse Created, JsonObject Listed)> CreateAndFindAsync(World world, string key, string body, Actor? reader = null)
    {
        var anomaly = world[key];
        var before = await LinkIdsAsync(anomaly);
        var created = (await CreateLinkAsync(Manager, anomaly.Id, body)).ShouldSucceed("creating the link");
        var list = (await TicketLinksAsync(reader ?? Admin, anomaly.Id)).ShouldSucceed("listing the links");
        var added = list.Links().Where(l => !before.Contains(Read.LinkId(l))).ToList();
        FailUnless(added.Count == 1, $"expected the list to hold the one link just created ({created.Summary}), but it holds {added.Count} new links", list);
        return (created, added[0]);
    }
}
