using AnomaliesConformance.Core.Discovery;

namespace AnomaliesConformance.Core.Provisioning;

/// <summary>
/// What checks that read back their anomalies need of existing ones, by name: the requirements as data that
/// the planner matches against the manifest's read-only (or sacrificial) anomalies and that `--discover`
/// proposes anomalies for. A need picks open anomalies where its check lists them without archived=include.
/// </summary>
public static class ExistingNeeds
{
    /// <summary>Two open anomalies of one datastore, the first created at least two days before the second.</summary>
    public static readonly ExistingNeed CreatedDaysApart = new(
        "two open anomalies of one datastore created at least two days apart",
        candidates => ExistingNeed.InOneDatastore(candidates, ds =>
        {
            var open = ds.Where(a => a.IsOpen && a.Created is not null).OrderBy(a => a.Created).ToList();
            return open.Count >= 2 && open[^1].Created - open[0].Created >= TimeSpan.FromDays(2) ? [open[0], open[^1]] : null;
        }));

    // --- sorting and the anomaly's shape ---------------------------------------------------------------
    // A sort check judges the order of every item it lists of the chosen anomalies' datastore: these make sure
    // the values it sorts by differ there enough for the order to be seen.

    /// <summary>Four open anomalies of one datastore with different weights.</summary>
    public static readonly ExistingNeed DifferentWeights = new(
        "four open anomalies of one datastore with different weights",
        candidates => ExistingNeed.InOneDatastore(candidates, ds => Differing(ds.Where(a => a.IsOpen), a => a.Weight, 4)));

    /// <summary>Four open anomalies of one datastore with different anomalous record counts.</summary>
    public static readonly ExistingNeed DifferentCounts = new(
        "four open anomalies of one datastore with different anomalous record counts",
        candidates => ExistingNeed.InOneDatastore(candidates, ds => Differing(ds.Where(a => a.IsOpen), a => a.AnomalousRecordsCount, 4)));

    /// <summary>Three open anomalies of one datastore: a lower anomalous record count, a null one, a higher one.</summary>
    public static readonly ExistingNeed NullCountBesideCounts = new(
        "three open anomalies of one datastore: one with a null anomalous record count and two with different counts",
        candidates => ExistingNeed.InOneDatastore(candidates, ds =>
            Differing(ds.Where(a => a.IsOpen), a => a.AnomalousRecordsCount, 2)?.OrderBy(a => a.AnomalousRecordsCount).ToList() is [var lower, var higher]
            && ds.FirstOrDefault(a => a.IsOpen && a.AnomalousRecordsCountIsNull) is { } uncounted
                ? [lower, uncounted, higher]
                : null));

    /// <summary>
    /// Four open anomalies of one datastore: the oldest, the newest, and two created at one instant between
    /// them with different weights (the lighter first), so both parts of the default order show.
    /// </summary>
    public static readonly ExistingNeed DefaultOrderShows = new(
        "four open anomalies of one datastore: two created at the same instant with different weights, one created before and one after them",
        candidates => ExistingNeed.InOneDatastore(candidates, ds =>
        {
            var open = Sortable(ds);
            return open.GroupBy(a => a.Created)
                .Select(g => Differing(g, a => a.Weight, 2)?.OrderBy(a => a.Weight).ToList())
                .FirstOrDefault(pair => pair is not null && open.Any(a => a.Created < pair[0].Created) && open.Any(a => a.Created > pair[0].Created))
                is [var light, var heavy]
                ? [open.First(a => a.Created < light.Created), open.First(a => a.Created > light.Created), light, heavy]
                : null;
        }));

    /// <summary>
    /// Five open anomalies of one datastore: a lighter one created after a heavier one (weight and creation
    /// disagree, so the order the sorts apply in shows), two tied on both weight and creation time (the id
    /// tie-break shows), and one more.
    /// </summary>
    public static readonly ExistingNeed SortsCombinationShows = new(
        "five open anomalies of one datastore: two tied on both weight and creation time, and a lighter one created after a heavier one",
        candidates => ExistingNeed.InOneDatastore(candidates, ds =>
        {
            var open = Sortable(ds);
            if (open.GroupBy(a => (a.Created, a.Weight)).FirstOrDefault(g => g.Count() >= 2) is not { } tied)
            {
                return null;
            }

            var rest = open.Except(tied.Take(2)).ToList();
            var disagreeing = rest.SelectMany(light => rest.Where(heavy => heavy.Weight > light.Weight && heavy.Created < light.Created).Select(heavy => new[] { light, heavy })).FirstOrDefault();
            return disagreeing is not null && rest.Except(disagreeing).FirstOrDefault() is { } other ? [.. disagreeing, .. tied.Take(2), other] : null;
        }));

    /// <summary>Six open anomalies of one datastore with different weights and different creation times.</summary>
    public static readonly ExistingNeed DifferentWeightsAndTimes = new(
        "six open anomalies of one datastore with different weights and different creation times",
        candidates => ExistingNeed.InOneDatastore(candidates, ds => Sortable(ds).DistinctBy(a => a.Weight).DistinctBy(a => a.Created).Take(6).ToList() is { Count: 6 } six ? six : null));

    /// <summary>The six statuses in the order <see cref="EachStatus"/> gives its anomalies.</summary>
    public static readonly IReadOnlyList<string> Statuses = ["Active", "Acknowledged", "Resolved", "Duplicate", "Invalid", "Discarded"];

    /// <summary>An anomaly of each status of one datastore, in the order of <see cref="Statuses"/>: open and archived ones.</summary>
    public static readonly ExistingNeed EachStatus = new(
        "an anomaly of each of the six statuses in one datastore",
        candidates => ExistingNeed.InOneDatastore(candidates, ds =>
            Statuses.Select(status => ds.FirstOrDefault(a => a.Status == status)).ToList() is var each && each.All(a => a is not null) ? [.. each.OfType<AnomalyTraits>()] : null));

    /// <summary>Every need, in the order `--discover` covers them.</summary>
    public static IReadOnlyList<ExistingNeed> All { get; } =
    [
        CreatedDaysApart,
        DifferentWeights,
        DifferentCounts,
        NullCountBesideCounts,
        DefaultOrderShows,
        SortsCombinationShows,
        DifferentWeightsAndTimes,
        EachStatus,
    ];

    /// <summary><paramref name="count"/> of the candidates with different non-null values; null when fewer differ.</summary>
    private static List<AnomalyTraits>? Differing(IEnumerable<AnomalyTraits> candidates, Func<AnomalyTraits, long?> value, int count) =>
        candidates.Where(a => value(a) is not null).DistinctBy(value).Take(count).ToList() is var differing && differing.Count == count ? differing : null;

    /// <summary>The open candidates that read with both a weight and a creation time (what the default order and the sorts compare).</summary>
    private static List<AnomalyTraits> Sortable(IEnumerable<AnomalyTraits> candidates) =>
        [.. candidates.Where(a => a.IsOpen && a.Created is not null && a.Weight is not null)];
}
