using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Scenarios;

/// <summary>
/// GET /api/anomalies: scope, archived, filters, time filters, related anomalies and sorting (partial files by
/// concern). Every world holds anomalies that match and anomalies that do not, and every call is scoped to
/// the world's datastore unless the datastore filter itself is under test.
/// </summary>
[OnExistingData]
[Effect(CheckEffect.Read)]
public sealed partial class ListTests : ConformanceTest
{
    private static readonly DateTimeOffset Day = new(2026, 4, 1, 9, 0, 0, TimeSpan.Zero);

    private static Actor Viewer => As("member-viewer");

    /// <summary>Lists the world's datastore (plus <paramref name="query"/>) as a Viewer and expects exactly the named anomalies, in any order.</summary>
    /// <remarks>
    /// On existing anomalies the datastore holds other people's too: the filtered list of their datastores is
    /// walked and judged on the world's own anomalies, the named ones listed and the others not. Whether a
    /// stranger belongs is the contract filter checks' to judge, from its own fields.
    /// </remarks>
    private static async Task ShouldListExactlyAsync(World world, string[] expected, string because, params (string Name, object Value)[] query)
    {
        var (keys, listed, last) = await ListOwnAsync(world, because, query);
        keys.Should().BeEquivalentTo(expected, "{0} (the world's anomalies among {1} listed): {2}", because, listed, last);
    }

    /// <summary>
    /// The world's keys of what a Viewer lists of the world's datastore (plus <paramref name="query"/>), how many
    /// items were listed and the last answer. A provisioned datastore holds only the world's anomalies, so any
    /// other listed is named among the keys; on existing anomalies the filtered list of their datastores is
    /// walked and only the world's own are kept.
    /// </summary>
    private static async Task<(string[] Keys, int Listed, ApiResponse Last)> ListOwnAsync(World world, string because, params (string Name, object Value)[] query)
    {
        if (world.DatastoresOf is not { } datastores)
        {
            var response = (await ListAsync(Viewer, [("datastore", world.DatastoreId), ("size", 100), .. query])).ShouldSucceed(because);
            return (KeysOf(world, response), response.ListItems().Count(), response);
        }

        var listed = new List<System.Text.Json.Nodes.JsonObject>();
        for (var page = 1; ; page++)
        {
            if (page > SharedListPages)
            {
                Assert.Inconclusive($"cannot be judged on existing data: the filtered list of datastore(s) {string.Join(", ", datastores.Values.Distinct())} holds more than {SharedListPages * 100} anomalies");
            }

            var last = (await ListAsync(Viewer, [.. datastores.Values.Distinct().Select(d => ("datastore", (object)d)), ("size", 100), ("page", page), .. query])).ShouldSucceed(because);
            var items = last.ListItems().ToList();
            listed.AddRange(items);
            if (items.Count < 100)
            {
                return ([.. KeysOf(world, listed).Where(world.Anomalies.ContainsKey)], listed.Count, last);
            }
        }
    }

    /// <summary>How many pages of 100 a check walks on existing data before it gives up (inconclusive).</summary>
    private const int SharedListPages = 20;

    /// <summary>The world's keys of the listed anomalies, in list order (an anomaly of another world shows its id).</summary>
    private static string[] KeysOf(World world, ApiResponse response) => KeysOf(world, response.ListItems());

    private static string[] KeysOf(World world, IEnumerable<System.Text.Json.Nodes.JsonObject> items) =>
        items.Select(a => world.Anomalies.Values.FirstOrDefault(p => p.Id == a.Id())?.Key ?? $"foreign anomaly {a.Id()}").ToArray();

    private static AnomalySpec Created(DateTimeOffset created) => new() { Created = created };

    [TestCase("member-none")]
    [TestCase("member-reporter")]
    [Rule("LIST-MEMBER-ALLOWED")]
    public async Task A_member_without_viewer_on_a_datastore_may_still_list_it(string role)
    {
        var world = await ProvisionOneAsync();

        (await ListAsync(As(role), ("datastore", world.DatastoreId))).ShouldSucceed($"for {role}: the list needs only the Member role; it is scoped, never refused");
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

        var response = (await ListAsync(Viewer, ("datastore", world.DatastoreId))).ShouldSucceed("listing one datastore");

        KeysOf(world, response).Should().Equal(
            ["newest", "middle-heavy", "middle-light", "oldest"], "the list is sorted by creation (most recent first), then severity: {0}", response);
    }

    [Test]
    [Rule("LIST-UNKNOWN-PARAM-IGNORED")]
    public async Task An_unknown_query_parameter_is_ignored()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b").Anomaly("c"));
        var plain = (await ListAsync(Viewer, ("datastore", world.DatastoreId))).ShouldSucceed("listing one datastore");

        var extra = (await ListAsync(Viewer, ("datastore", world.DatastoreId), ("source_enriched", "true"), ("conformance_unknown", "1")))
            .ShouldSucceed("for query parameters the page does not define (deployments add e.g. source_enriched)");

        KeysOf(world, extra).Should().Equal(KeysOf(world, plain), "unknown parameters change nothing: {0}", extra);
    }
}
