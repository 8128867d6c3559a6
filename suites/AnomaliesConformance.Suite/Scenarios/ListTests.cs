using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;
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
        var (keys, listed, last) = await ListOwnAsync(world, because, query);
        keys.Should().BeEquivalentTo(expected, "{0} (the world's anomalies among {1} listed): {2}", because, listed, last);
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

    /// <summary>
    /// The world's keys of what a Viewer lists of the world's datastore (plus <paramref name="query"/>), how many
    /// items were listed and the last answer. A provisioned datastore holds only the world's anomalies, so any
    /// other listed is named among the keys; on existing anomalies the filtered list of their datastores is
    /// walked and only the world's own are kept.
    /// </summary>
    private static async Task<(string[] Keys, int Listed, ApiResponse Last)> ListOwnAsync(World world, string because, params (string Name, object Value)[] query)
    {
        var pages = await ListPagesAsync(Viewer, world, untilOwnListed: false, because, query);
        var listed = pages.SelectMany(p => p.ListItems()).ToList();
        var keys = KeysOf(world, listed);
        return ([.. !world.IsExisting ? keys : keys.Where(world.Anomalies.ContainsKey)], listed.Count, pages[^1]);
    }

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

        (await ListAsync(As(role), InDatastores(world))).ShouldSucceed($"for {role}: the list needs only the Member role; it is scoped, never refused");
    }

    [Test]
    [Rule("LIST-DEFAULT-ORDER")]
    public async Task The_default_order_is_most_recent_first_then_most_severe()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("oldest", new() { Created = Day, Weight = 90 })
            .Anomaly("newest", new() { Created = Day.AddHours(2), Weight = 10 })
            .Anomaly("middle-light", new() { Created = Day.AddHours(1), Weight = 20 })
            .Anomaly("middle-heavy", new() { Created = Day.AddHours(1), Weight = 80 })
            .OnExisting(ExistingNeeds.DefaultOrderShows));

        var pages = await SortedPagesAsync(world, "listing in the default order");
        RequireShown(pages, (page, items) => Differ(page, items, ByCreated) && items.GroupBy(i => ByCreated.Of(i, page)).Any(tied => Differ(page, tied, ByWeight)),
            "two anomalies created at one instant with different weights, and two created apart");
        foreach (var (page, items) in pages)
        {
            ShouldBeOrdered(page, items, "the list to be sorted by creation (most recent first), then severity", DefaultOrder);
        }
    }

    [Test]
    [Rule("LIST-UNKNOWN-PARAM-IGNORED")]
    public async Task An_unknown_query_parameter_is_ignored()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b").Anomaly("c"));
        var before = (await ListAsync(Viewer, InDatastores(world))).ShouldSucceed("listing the world's datastores");

        var extra = (await ListAsync(Viewer, [.. InDatastores(world), ("source_enriched", "true"), ("conformance_unknown", "1")]))
            .ShouldSucceed("for query parameters the page does not define (deployments add e.g. source_enriched)");

        // A shared datastore's anomalies may be archived or deleted by others meanwhile (its order never
        // changes: the page writes no sort key): what is listed before and after was there throughout.
        var after = (await ListAsync(Viewer, InDatastores(world))).ShouldSucceed("listing the world's datastores again");
        var (listedBefore, listedAfter) = (before.ListItems().Ids().ToList(), after.ListItems().Ids().ToList());
        var throughout = listedBefore.Intersect(listedAfter).ToHashSet();
        Precondition(throughout.Count > 0, "the list of the world's datastores holding anomalies", "LIST-FILTER-DATASTORE", before, after);
        var listedExtra = extra.ListItems().Ids().ToList();
        listedExtra.Where(throughout.Contains).Should().Equal(listedBefore.Where(throughout.Contains), "unknown parameters change nothing: {0}", extra);
        listedExtra.Should().BeSubsetOf(listedBefore.Union(listedAfter), "unknown parameters add nothing: {0}", extra);
    }
}
