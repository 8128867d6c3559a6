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

    /// <summary>Every need, in the order `--discover` covers them.</summary>
    public static IReadOnlyList<ExistingNeed> All { get; } =
    [
        CreatedDaysApart,
    ];
}
