using AnomaliesConformance.Core.Discovery;

namespace AnomaliesConformance.Core.Provisioning;

/// <summary>
/// Which existing anomalies can stand for a world whose check reads back what it relies on
/// (<see cref="WorldBuilder.OnExisting"/>): <see cref="Choose"/> picks them from the candidates' traits, one for
/// each anomaly of the spec in order, or answers null. <see cref="Name"/> says what they are: the planner
/// names it once for every check that lacks it, and `--discover` proposes anomalies for it under that name.
/// </summary>
public sealed record ExistingNeed(string Name, Func<IReadOnlyList<AnomalyTraits>, IReadOnlyList<AnomalyTraits>?> Choose)
{
    /// <summary>The check destroys what it is given: the need is met by sacrificial anomalies, each used once.</summary>
    public bool Destroys { get; init; }

    /// <summary>How many checks use the need: for a destructive one, how many sets `--discover` proposes.</summary>
    public int Uses { get; init; } = 1;

    /// <summary>
    /// The first datastore whose candidates <paramref name="pick"/> can choose from, as it chose: a provisioned
    /// world is one datastore, and a check that walks a filtered list walks fewer pages of one.
    /// </summary>
    public static IReadOnlyList<AnomalyTraits>? InOneDatastore(IReadOnlyList<AnomalyTraits> candidates, Func<IReadOnlyList<AnomalyTraits>, IReadOnlyList<AnomalyTraits>?> pick) =>
        candidates.Where(c => c.DatastoreId is not null)
            .GroupBy(c => c.DatastoreId)
            .OrderBy(g => g.Key)
            .Select(g => pick([.. g.OrderBy(c => c.Id)]))
            .FirstOrDefault(p => p is not null);
}
