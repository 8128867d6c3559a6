using AnomaliesConformance.Core.Running;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.Suite.Scenarios;

public sealed class TicketLinkTests : ConformanceTest
{
    [Test]
    [Rule("TICKET-LINK-DELETE-ONLY-THAT")]
    public async Task Deleting_a_ticket_link_removes_only_that_link()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Integration("jira"));
        var path = $"/api/anomalies/{world["a"].Id}/ticket-links";
        var manager = As("manager-author");
        var first = (await Api.SendAsync(manager, HttpMethod.Post, path, $$"""{"integration_id": {{world.Integrations["jira"]}}, "ticket_id": "sys-1", "ticket_number": "INC0001", "status": "New"}"""))
            .ShouldHaveStatus(201, "creating the first link");
        var second = (await Api.SendAsync(manager, HttpMethod.Post, path, $$"""{"integration_id": {{world.Integrations["jira"]}}, "ticket_id": "sys-2", "ticket_number": "INC0002", "status": "New"}"""))
            .ShouldHaveStatus(201, "creating the second link");

        (await Api.SendAsync(manager, HttpMethod.Delete, $"{path}/{first.Object.Id()}")).ShouldHaveStatus(204, "deleting the first link");

        var links = (await Api.GetAsync(As("member-viewer"), path)).ShouldHaveStatus(200, "listing links");
        links.Array.Select(l => l!.Id()).Should().Equal([second.Object.Id()], "only the deleted link is gone: {0}", links);
    }
}
