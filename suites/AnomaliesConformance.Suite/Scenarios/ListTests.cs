using AnomaliesConformance.Core.Running;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.Suite.Scenarios;

public sealed class ListTests : ConformanceTest
{
    private static readonly DateTimeOffset Day = new(2026, 4, 1, 9, 0, 0, TimeSpan.Zero);

    [Test]
    [Rule("LIST-DEFAULT-EXCLUDES-ARCHIVED")]
    public async Task The_default_list_excludes_archived_anomalies()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("open", new() { Status = "Active" })
            .Anomaly("archived", new() { Status = "Resolved" }));

        var response = (await ListAsync(As("member-viewer"), ("datastore", world.DatastoreId))).ShouldHaveStatus(200, "listing one datastore");

        response.Object.Items().Select(a => a.Id()).Should().Equal([world["open"].Id], "archived anomalies leave the default list: {0}", response);
    }

    [Test]
    [Rule("LIST-DEFAULT-ORDER")]
    public async Task The_default_order_is_most_recent_first_then_most_severe()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("oldest", new() { Created = Day, Weight = 90 })
            .Anomaly("newest", new() { Created = Day.AddHours(2), Weight = 10 })
            .Anomaly("middle-light", new() { Created = Day.AddHours(1), Weight = 20 })
            .Anomaly("middle-heavy", new() { Created = Day.AddHours(1), Weight = 80 }));

        var response = (await ListAsync(As("member-viewer"), ("datastore", world.DatastoreId))).ShouldHaveStatus(200, "listing one datastore");

        string[] expected = ["newest", "middle-heavy", "middle-light", "oldest"];
        response.Object.Items().Select(a => a.Id()).Should().Equal(
            expected.Select(k => world[k].Id),
            "the list is sorted by creation (most recent first), then severity: expected {0}: {1}",
            string.Join(", ", expected),
            response);
    }

    [Test]
    [Rule("LIST-FILTER-ASSIGNEE")]
    public async Task The_assignee_filter_returns_only_anomalies_assigned_to_those_users()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("viewer", new() { Assignees = ["member-viewer"] })
            .Anomaly("author", new() { Assignees = ["member-author"] })
            .Anomaly("nobody"));

        var response = (await ListAsync(As("member-viewer"), ("datastore", world.DatastoreId), ("assignee", As("member-viewer").UserId!))).ShouldHaveStatus(200, "filtering by assignee");
        response.Object.Items().Select(a => a.Id()).Should().Equal([world["viewer"].Id], "only anomalies assigned to member-viewer match: {0}", response);

        var both = (await ListAsync(As("member-viewer"), ("datastore", world.DatastoreId), ("assignee", As("member-viewer").UserId!), ("assignee", As("member-author").UserId!)))
            .ShouldHaveStatus(200, "filtering by two assignees");
        both.Object.Items().Select(a => a.Id()).Should().BeEquivalentTo([world["viewer"].Id, world["author"].Id], "values of one filter combine with OR: {0}", both);
    }

    [Test]
    [Rule("LIST-FILTER-TAG")]
    public async Task The_tag_filter_returns_only_anomalies_with_those_tags()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("high", new() { Tags = ["High"] })
            .Anomaly("low", new() { Tags = ["Low"] })
            .Anomaly("untagged"));

        var response = (await ListAsync(As("member-viewer"), ("datastore", world.DatastoreId), ("tag", world.Tag("High")))).ShouldHaveStatus(200, "filtering by tag");

        response.Object.Items().Select(a => a.Id()).Should().Equal([world["high"].Id], "only anomalies tagged {0} match: {1}", world.Tag("High"), response);
    }
}
