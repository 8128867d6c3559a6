using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Core.Running;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;

namespace AnomaliesConformance.Suite.Scenarios;

/// <summary>
/// Links between an anomaly and an external ticket, written by a Manager with Author. Creation steps of
/// other scenarios accept any 2xx: 201 is TICKET-LINK-CREATE's business.
/// </summary>
[Effect(CheckEffect.ReversibleWrite)]
public sealed class TicketLinkTests : ConformanceTest
{
    private static Actor Manager => As("manager-author");

    [Test]
    [Rule("TICKET-LINK-CREATE")]
    public async Task A_link_created_with_the_required_fields_or_with_all_fields_answers_its_own_id_and_the_fields_sent()
    {
        var world = await LinkWorldAsync();
        var anomaly = world["a"];
        var integration = world.Integrations["jira"];
        var requiredOnly = new JsonObject { ["integration_id"] = integration, ["ticket_id"] = "sys-1", ["ticket_number"] = "INC0010001", ["status"] = "New" };
        var allFields = new JsonObject
        {
            ["integration_id"] = integration, ["ticket_id"] = "sys-2", ["ticket_number"] = "INC0010002", ["status"] = "Open",
            ["ticket_url"] = "https://example.service-now.com/incident/INC0010002", ["ticket_metadata"] = new JsonObject { ["priority"] = "P2" },
        };

        var ids = new List<long>();
        foreach (var body in new[] { requiredOnly, allFields })
        {
            var created = (await CreateLinkAsync(Manager, anomaly.Id, body.ToJsonString())).ShouldHaveStatus(201, "for a Manager with Author creating a link");
            var link = created.Object;
            AnomalyJson.IdOf(link["id"]).Should().NotBeNull("the link answers its own id: {0}", created);
            ids.Add(link.Id());
            link["anomaly_id"]?.GetValue<long>().Should().Be(anomaly.Id, "the link belongs to the anomaly of the path: {0}", created);
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
    public async Task A_created_link_is_listed_on_its_anomaly_and_on_no_other()
    {
        var world = await LinkWorldAsync(anomalies: 2);

        var created = (await CreateLinkAsync(Manager, world["a"].Id, Body(world))).ShouldSucceed("creating a link on anomaly a");

        // Read as a Viewer, the least caller that may list links, as a team member would see them.
        var viewer = As("member-viewer");
        var onA = (await TicketLinksAsync(viewer, world["a"].Id)).ShouldHaveStatus(200, "listing anomaly a's links");
        onA.Array.Ids().Should().Contain(created.Object.Id(), "the link is listed on its anomaly: {0}", onA);
        var onB = (await TicketLinksAsync(viewer, world["b"].Id)).ShouldHaveStatus(200, "listing anomaly b's links");
        onB.Array.Should().BeEmpty("another anomaly of the same datastore does not list it: {0}", onB);
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

        (await CreateLinkAsync(Manager, world["a"].Id, body.ToJsonString())).ShouldHaveStatus(422, $"for a link without {missing}").ShouldHaveDetail();

        (await LinkIdsAsync(world["a"])).Should().BeEmpty("the rejected link was not created");
    }

    [Test]
    [Rule("TICKET-LINK-UNKNOWN-INTEGRATION")]
    public async Task A_link_to_an_integration_that_does_not_exist_is_rejected_and_creates_nothing()
    {
        var world = await LinkWorldAsync();

        (await CreateLinkAsync(Manager, world["a"].Id, """{"integration_id": 8999999999, "ticket_id": "sys-1", "ticket_number": "INC1", "status": "New"}"""))
            .ShouldHaveStatus(422, "for integration_id 8999999999, which names no integration").ShouldHaveDetail();

        (await LinkIdsAsync(world["a"])).Should().BeEmpty("the rejected link was not created");
    }

    [Test]
    [Rule("TICKET-LINK-IDS-STORED")]
    public async Task Ticket_id_and_number_are_stored_as_the_strings_sent()
    {
        var world = await LinkWorldAsync();
        // An all-digit id with leading zeros and a number with spaces and punctuation: strings, not numbers.
        const string ticketId = "000123";
        const string ticketNumber = "INC-0042 / a";

        var created = (await CreateLinkAsync(Manager, world["a"].Id, Body(world, ticketId: ticketId, ticketNumber: ticketNumber))).ShouldSucceed("creating the link");

        foreach (var (where, link) in await AnswerAndListedAsync(world, created))
        {
            link?["ticket_id"]?.GetValue<string>().Should().Be(ticketId, "{0} returns ticket_id unchanged", where);
            link?["ticket_number"]?.GetValue<string>().Should().Be(ticketNumber, "{0} returns ticket_number unchanged", where);
        }
    }

    [Test]
    [Rule("TICKET-LINK-STATUS-STORED")]
    public async Task The_status_given_at_creation_is_returned_unchanged()
    {
        var world = await LinkWorldAsync();
        const string status = "in progress (awaiting vendor)";

        var created = (await CreateLinkAsync(Manager, world["a"].Id, Body(world, status: status))).ShouldSucceed("creating the link");

        foreach (var (where, link) in await AnswerAndListedAsync(world, created))
        {
            link?["status"]?.GetValue<string>().Should().Be(status, "{0} returns the external status unchanged", where);
        }
    }

    [Test]
    [Rule("TICKET-LINK-URL-OPTIONAL")]
    public async Task A_link_may_omit_ticket_url_and_a_given_url_is_returned_unchanged()
    {
        var world = await LinkWorldAsync(anomalies: 2);
        const string url = "https://example.service-now.com/incident.do?sys_id=abc123sys&sysparm_view=ess#activity";

        var without = (await CreateLinkAsync(Manager, world["a"].Id, Body(world))).ShouldSucceed("creating a link without ticket_url");
        var with = (await CreateLinkAsync(Manager, world["b"].Id, Body(world, url: url))).ShouldSucceed("creating a link with a ticket_url");

        without.Object["ticket_url"].Should().BeNull("no ticket_url was given: {0}", without);
        (await ListedAsync(world, with, "b"))?["ticket_url"]?.GetValue<string>().Should().Be(url, "the list returns the ticket_url unchanged");
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

        var without = (await CreateLinkAsync(Manager, world["a"].Id, Body(world))).ShouldSucceed("creating a link without ticket_metadata");
        var with = (await CreateLinkAsync(Manager, world["b"].Id, Body(world, metadata: metadata))).ShouldSucceed("creating a link with ticket_metadata");

        without.Object["ticket_metadata"].Should().BeNull("no ticket_metadata was given: {0}", without);
        JsonDiff.FirstDifference(metadata, (await ListedAsync(world, with, "b"))?["ticket_metadata"]).Should().BeNull("the list returns ticket_metadata unchanged, nested values included");
    }

    [Test]
    [Rule("TICKET-LINK-DELETE-ONLY-THAT")]
    public async Task Deleting_a_ticket_link_removes_only_that_link()
    {
        var world = await LinkWorldAsync();
        var anomaly = world["a"];
        var before = await SnapshotAsync(anomaly);
        var first = (await CreateLinkAsync(Manager, anomaly.Id, Body(world, ticketId: "sys-1"))).ShouldSucceed("creating the first link");
        var second = (await CreateLinkAsync(Manager, anomaly.Id, Body(world, ticketId: "sys-2"))).ShouldSucceed("creating the second link");

        (await DeleteLinkAsync(Manager, anomaly.Id, first.Object.Id())).ShouldHaveStatus(204, "deleting the first link");

        (await LinkIdsAsync(anomaly)).Should().Equal([second.Object.Id()], "only the deleted link is gone");
        JsonDiff.FirstDifference(before, await SnapshotAsync(anomaly)).Should().BeNull("the anomaly itself is unchanged by removing a link");
    }

    [Test]
    [Rule("TICKET-LINK-DELETE-FOREIGN")]
    public async Task Deleting_another_anomalys_link_or_an_unknown_link_answers_404_and_removes_nothing()
    {
        var world = await LinkWorldAsync(anomalies: 2);
        var (a, b) = (world["a"], world["b"]);
        (await CreateLinkAsync(Manager, a.Id, Body(world, ticketId: "on-a"))).ShouldSucceed("linking a ticket to a");
        var onB = (await CreateLinkAsync(Manager, b.Id, Body(world, ticketId: "on-b"))).ShouldSucceed("linking a ticket to b");
        var before = (await LinkIdsAsync(a), await LinkIdsAsync(b));

        (await DeleteLinkAsync(Manager, a.Id, onB.Object.Id())).ShouldHaveStatus(404, "for b's link deleted through a's path");
        (await DeleteLinkAsync(Manager, a.Id, 8_999_999_999)).ShouldHaveStatus(404, "for a link id that does not exist");

        (await LinkIdsAsync(a)).Should().Equal(before.Item1, "a's links are untouched");
        (await LinkIdsAsync(b)).Should().Equal(before.Item2, "b's link is not removed through another anomaly's path");
    }

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

    /// <summary>The link as the create answered it and as its anomaly's list shows it.</summary>
    private static async Task<List<(string Where, JsonNode? Link)>> AnswerAndListedAsync(World world, ApiResponse created) =>
        [("the create answer", created.Object), ("the list", await ListedAsync(world, created, "a"))];

    /// <summary>The created link as its anomaly's list shows it (the stored link, whatever the create answered).</summary>
    private static async Task<JsonNode?> ListedAsync(World world, ApiResponse created, string key)
    {
        var id = created.Object.Id();
        var list = (await TicketLinksAsync(Admin, world[key].Id)).ShouldHaveStatus(200, "listing the links");
        var listed = list.Array.FirstOrDefault(l => l is not null && l.Id() == id);
        FailUnless(listed is not null, $"expected the list to contain link {id}", list);
        return listed;
    }
}
