using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core.Discovery;

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
        var (keys, listed, last) = await ListedAsync(world, because, query);
        var judged = world.DatastoresOf is null ? "" : $" (the world's own anomalies among {listed} listed)";
        keys.Should().BeEquivalentTo(expected, "{0}{1}: {2}", because, judged, last);
    }

    /// <summary>
    /// The keys the Viewer's list of the world's datastore (plus <paramref name="query"/>) shows, in list order:
    /// one page of 100 when the world is provisioned (a stranger shows as a foreign anomaly); on existing
    /// anomalies the walked filtered list of their datastores, of which only the world's own are its keys.
    /// </summary>
    private static async Task<(string[] Keys, int Listed, ApiResponse Last)> ListedAsync(World world, string because, params (string Name, object Value)[] query)
    {
        if (world.DatastoresOf is not { } datastores)
        {
            var response = (await ListAsync(Viewer, [("datastore", world.DatastoreId), ("size", 100), .. query])).ShouldSucceed(because);
            return (KeysOf(world, response), response.ListItems().Count(), response);
        }

        var listed = new List<System.Text.Json.Nodes.JsonObject>();
        ApiResponse? last = null;
        for (var page = 1; ; page++)
        {
            if (page > SharedListPages)
            {
                Assert.Inconclusive($"cannot be judged on existing data: the filtered list of datastore(s) {string.Join(", ", datastores.Values.Distinct())} holds more than {SharedListPages * 100} anomalies");
            }

            last = (await ListAsync(Viewer, [.. datastores.Values.Distinct().Select(d => ("datastore", (object)d)), ("size", 100), ("page", page), .. query])).ShouldSucceed(because);
            var items = last.ListItems().ToList();
            listed.AddRange(items);
            if (items.Count < 100)
            {
                break;
            }
        }

        return ([.. KeysOf(world, listed).Where(world.Anomalies.ContainsKey)], listed.Count, last);
    }

    /// <summary>
    /// What the world's anomalies are as an Admin reads them back (their failed checks, description, id and
    /// uuid): a check that derives its search terms and filter values from them judges a provisioned world and
    /// existing anomalies alike.
    /// </summary>
    private static async Task<IReadOnlyList<(string Key, AnomalyTraits Traits)>> ReadBackAsync(World world)
    {
        var keys = world.Anomalies.Keys.ToList();
        var anomalies = await Task.WhenAll(keys.Select(key => SnapshotAsync(world[key])));
        return [.. keys.Zip(anomalies).Select(p => (p.First, TargetSurvey.TraitsOf(world[p.First].Id, p.Second)))];
    }

    /// <summary>The keys of the anomalies read back that <paramref name="matches"/>.</summary>
    private static string[] KeysWhere(IReadOnlyList<(string Key, AnomalyTraits Traits)> anomalies, Func<AnomalyTraits, bool> matches) =>
        [.. anomalies.Where(a => matches(a.Traits)).Select(a => a.Key)];

    /// <summary>The value derived from the anomalies read back, or inconclusive naming the existing anomalies that would give one (a provisioned world always does).</summary>
    private static T Derived<T>(T? value, ExistingNeed need)
        where T : class
    {
        if (value is null)
        {
            Run.Missing(need.Name);
        }

        return value;
    }

    private static T Derived<T>(T? value, ExistingNeed need)
        where T : struct
    {
        if (value is null)
        {
            Run.Missing(need.Name);
        }

        return value.Value;
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
