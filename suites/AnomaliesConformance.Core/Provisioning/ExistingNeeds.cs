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

    // --- fingerprints and related anomalies -------------------------------------------------------------

    /// <summary>
    /// Two open anomalies of one datastore sharing a fingerprint, and an open one of that datastore with another
    /// fingerprint; the first also shares its fingerprint with an open anomaly of another datastore where one does.
    /// </summary>
    public static readonly ExistingNeed SharedFingerprint = new(
        "two open anomalies of one datastore sharing a fingerprint, and one with another fingerprint",
        candidates => SharingFingerprint(candidates, acrossDatastores: false));

    /// <summary>What <see cref="SharedFingerprint"/> picks, and an open anomaly of another datastore sharing the first one's fingerprint.</summary>
    public static readonly ExistingNeed FingerprintInTwoDatastores = new(
        "an anomaly whose fingerprint recurs in its own datastore and in another, all open",
        candidates => SharingFingerprint(candidates, acrossDatastores: true));

    /// <summary>An open anomaly of another datastore than <paramref name="datastore"/> sharing <paramref name="fingerprint"/>.</summary>
    public static ExistingNeed FingerprintElsewhere(long fingerprint, long datastore) => new(
        FingerprintInTwoDatastores.Name,
        candidates => candidates.FirstOrDefault(a => a.IsOpen && a.Fingerprint == fingerprint && a.DatastoreId is { } d && d != datastore) is { } far ? [far] : null);

    private static IReadOnlyList<AnomalyTraits>? SharingFingerprint(IReadOnlyList<AnomalyTraits> candidates, bool acrossDatastores)
    {
        var open = candidates.Where(a => a.IsOpen && a.Fingerprint is not null && a.DatastoreId is not null).ToList();
        AnomalyTraits? Far(AnomalyTraits given) => open.FirstOrDefault(a => a.Fingerprint == given.Fingerprint && a.DatastoreId != given.DatastoreId);
        foreach (var given in open.OrderBy(a => Far(a) is null).ThenBy(a => a.Id))
        {
            var twin = open.FirstOrDefault(a => a.Id != given.Id && a.Fingerprint == given.Fingerprint && a.DatastoreId == given.DatastoreId);
            var stranger = open.FirstOrDefault(a => a.Fingerprint != given.Fingerprint && a.DatastoreId == given.DatastoreId);
            if (twin is null || stranger is null)
            {
                continue;
            }

            if (!acrossDatastores)
            {
                return [given, twin, stranger];
            }

            if (Far(given) is { } far)
            {
                return [given, twin, stranger, far];
            }
        }

        return null;
    }

    // --- destroyed with everything under them ------------------------------------------------------------

    /// <summary>A sacrificial anomaly with comments (open, or archived already), hard-deleted with everything under it.</summary>
    public static readonly ExistingNeed SacrificialWithComments = new(
        "a sacrificial anomaly with comments",
        candidates => candidates.FirstOrDefault(a => a.Comments > 0 && a.Type is not null && (a.IsOpen || a.IsArchived)) is { } one ? [one] : null)
    {
        Destroys = true,
        Uses = 2,
    };

    /// <summary>Three open sacrificial anomalies, the first with comments: read, written and archived by both id forms.</summary>
    public static readonly ExistingNeed CommentedAndTwoOpen = new(
        "three open sacrificial anomalies, one of them with comments",
        candidates => candidates.FirstOrDefault(a => a.IsOpen && a.Comments > 0) is { } read
            && candidates.Where(a => a.IsOpen && a.Id != read.Id).Take(2).ToList() is [var write, var archive]
                ? [read, write, archive]
                : null)
    {
        Destroys = true,
    };

    // --- soft deletion ------------------------------------------------------------------------------------

    /// <summary>A soft-deleted anomaly, read (with and without include_deleted) and never written.</summary>
    public static readonly ExistingNeed SoftDeleted = new(
        "a soft-deleted anomaly",
        candidates => candidates.FirstOrDefault(a => a.SoftDeleted) is { } deleted ? [deleted] : null);

    /// <summary>A soft-deleted anomaly and an open one of its datastore that was never deleted.</summary>
    public static readonly ExistingNeed SoftDeletedBesideOpen = new(
        "a soft-deleted anomaly and an open one of its datastore",
        candidates => candidates.Where(a => a.SoftDeleted)
            .Select(deleted => candidates.FirstOrDefault(a => a.IsOpen && a.DatastoreId == deleted.DatastoreId) is { } kept ? new[] { deleted, kept } : null)
            .FirstOrDefault(pair => pair is not null));

    /// <summary>A soft-deleted sacrificial anomaly whose status is open: writes to it are tried, and must be refused.</summary>
    public static readonly ExistingNeed SacrificialSoftDeletedOpen = new(
        "a soft-deleted sacrificial anomaly with an open status",
        candidates => candidates.FirstOrDefault(a => a.SoftDeleted && a.Status is "Active" or "Acknowledged") is { } deleted ? [deleted] : null)
    {
        Destroys = true,
    };

    /// <summary>
    /// Sacrificial anomalies of one datastore: open, archived, soft-deleted with an open status, soft-deleted with
    /// an archived one, and archived (to be hard-deleted).
    /// </summary>
    public static readonly ExistingNeed EveryKindOfDeletion = new(
        "sacrificial anomalies of one datastore: an open one, two archived, and two soft-deleted (one open, one archived)",
        candidates => ExistingNeed.InOneDatastore(candidates, ds =>
            ds.FirstOrDefault(a => a.IsOpen) is { } open
            && ds.Where(a => a.IsArchived).Take(2).ToList() is [var archived, var hard]
            && ds.FirstOrDefault(a => a.SoftDeleted && a.Status is "Active" or "Acknowledged") is { } softOpen
            && ds.FirstOrDefault(a => a.SoftDeleted && a.Status is "Resolved" or "Duplicate" or "Invalid" or "Discarded") is { } softArchived
                ? [open, archived, softOpen, softArchived, hard]
                : null))
    {
        Destroys = true,
    };

    // --- Creation times: the time filters and the created sort (ListTests.Time, ListTests.Sorting) ---------

    /// <summary>How far back each timeframe value reaches from now (contract-choices.md).</summary>
    public static IReadOnlyDictionary<string, TimeSpan> Timeframes { get; } = new Dictionary<string, TimeSpan>
    {
        ["day"] = TimeSpan.FromDays(1),
        ["week"] = TimeSpan.FromDays(7),
        ["month"] = TimeSpan.FromDays(30),
        ["quarter"] = TimeSpan.FromDays(91),
        ["year"] = TimeSpan.FromDays(365),
    };

    /// <summary>Four open anomalies of one datastore created at distinct times, for a sort by creation to show.</summary>
    public static readonly ExistingNeed CreatedAtFourTimes = new(
        "four open anomalies of one datastore created at four distinct times",
        candidates => ExistingNeed.InOneDatastore(candidates, ds =>
        {
            var distinct = OpenByCreated(ds).DistinctBy(a => a.Created).ToList();
            return distinct.Count >= 4 ? distinct[..4] : null;
        }));

    /// <summary>
    /// Four open anomalies of one datastore created at distinct times, in creation order, the last two between a
    /// minute and three hours apart: a bound halfway between them, written at +02:00 and misread as UTC, lands
    /// past the last.
    /// </summary>
    public static readonly ExistingNeed CreatedAroundABound = new(
        "four open anomalies of one datastore created at distinct times, the last two between a minute and three hours apart",
        candidates => ExistingNeed.InOneDatastore(candidates, ds =>
        {
            var open = OpenByCreated(ds).DistinctBy(a => a.Created).ToList();
            var at = Enumerable.Range(2, Math.Max(0, open.Count - 3))
                .FirstOrDefault(i => open[i + 1].Created - open[i].Created is { } gap && gap >= TimeSpan.FromMinutes(1) && gap <= TimeSpan.FromHours(3));
            return at >= 2 ? open[(at - 2)..(at + 2)] : null;
        }));

    /// <summary>
    /// Three open anomalies of one datastore: one created within six hours of noon UTC, one created a day or more
    /// before that day and one a day or more after it, so that any reading of the day keeps the first alone.
    /// </summary>
    public static readonly ExistingNeed CreatedOnADayAndDaysAway = new(
        "three open anomalies of one datastore: one created within six hours of noon UTC, one a day or more before its day, one a day or more after it",
        candidates => ExistingNeed.InOneDatastore(candidates, ds =>
        {
            var open = OpenByCreated(ds);
            foreach (var day in open.Where(a => a.Created!.Value.UtcDateTime.TimeOfDay is var t && t >= TimeSpan.FromHours(6) && t < TimeSpan.FromHours(18)))
            {
                var start = DayOf(day);
                var before = open.LastOrDefault(a => a.Created < start.AddDays(-1));
                var after = open.FirstOrDefault(a => a.Created >= start.AddDays(2));
                if (before is not null && after is not null)
                {
                    return [before, day, after];
                }
            }

            return null;
        }));

    /// <summary>
    /// Seven open anomalies of one datastore in creation order: the five created nearest the middle one, whose UTC
    /// day the check filters on, and one created a day or more before that day and one a day or more after it.
    /// The middle five are the ones nearest the day's edges that the datastore holds.
    /// </summary>
    public static readonly ExistingNeed CreatedAroundADay = new(
        "seven open anomalies of one datastore: five created in a row around one UTC day, one a day or more before it, one a day or more after it",
        candidates => ExistingNeed.InOneDatastore(candidates, ds =>
        {
            var open = OpenByCreated(ds);
            IReadOnlyList<AnomalyTraits>? first = null;
            for (var middle = 3; middle < open.Count - 3; middle++)
            {
                var start = DayOf(open[middle]);
                var before = open[..(middle - 2)].LastOrDefault(a => a.Created < start.AddDays(-1));
                var after = open[(middle + 3)..].FirstOrDefault(a => a.Created >= start.AddDays(2));
                if (before is not null && after is not null)
                {
                    IReadOnlyList<AnomalyTraits> window = [before, .. open[(middle - 2)..(middle + 3)], after];
                    // A day whose last second holds one of them is where a filter ending a second early shows.
                    if (open[(middle - 2)..(middle + 3)].Any(a => a.Created >= start.AddDays(1).AddSeconds(-1) && a.Created < start.AddDays(1)))
                    {
                        return window;
                    }

                    first ??= window;
                }
            }

            return first;
        }));

    /// <summary>
    /// Two open anomalies of one datastore, one created less than ten hours ago and one more than 550 days ago:
    /// inside half of every timeframe and past one and a half of every timeframe.
    /// </summary>
    public static readonly ExistingNeed CreatedRecentlyAndLongAgo = new(
        "two open anomalies of one datastore, one created less than ten hours ago and one more than 550 days ago",
        candidates => ExistingNeed.InOneDatastore(candidates, ds =>
        {
            var open = OpenByCreated(ds);
            var now = DateTimeOffset.UtcNow;
            return open.Count >= 2 && now - open[^1].Created < TimeSpan.FromHours(10) && now - open[0].Created > TimeSpan.FromDays(550) ? [open[^1], open[0]] : null;
        }));

    /// <summary>
    /// Seven open anomalies of one datastore, newest first, created nearest 2 hours, 3, 20, 30.5, 60, 200 and 400
    /// days ago, that leave each timeframe (day, week, month, quarter, year) one created inside it and one outside,
    /// each more than two hours from its edge.
    /// </summary>
    public static readonly ExistingNeed CreatedAcrossTimeframes = new(
        "seven open anomalies of one datastore, for each timeframe (day to year) one created inside it and one outside, hours from its edge",
        candidates => ExistingNeed.InOneDatastore(candidates, ds =>
        {
            var now = DateTimeOffset.UtcNow;
            var open = OpenByCreated(ds);
            var chosen = new List<AnomalyTraits>();
            foreach (var target in new[] { 2.0 / 24, 3, 20, 30.5, 60, 200, 400 })
            {
                if (open.Except(chosen).MinBy(a => Math.Abs(Math.Log(Math.Max(1, (now - a.Created!.Value).TotalMinutes) / (target * 24 * 60)))) is not { } nearest)
                {
                    return null;
                }

                chosen.Add(nearest);
            }

            var ages = chosen.Select(a => now - a.Created!.Value).ToList();
            var margin = TimeSpan.FromHours(2);
            return Timeframes.Values.All(length => ages.Any(age => age < length - margin) && ages.Any(age => age > length + margin))
                ? [.. chosen.OrderByDescending(a => a.Created)]
                : null;
        }));

    private static List<AnomalyTraits> OpenByCreated(IReadOnlyList<AnomalyTraits> datastore) =>
        [.. datastore.Where(a => a.IsOpen && a.Created is not null).OrderBy(a => a.Created).ThenBy(a => a.Id)];

    private static DateTimeOffset DayOf(AnomalyTraits anomaly) => new(anomaly.Created!.Value.UtcDateTime.Date, TimeSpan.Zero);

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
            Statuses.Select(status => ds.FirstOrDefault(a => !a.SoftDeleted && a.Status == status)).ToList() is var each && each.All(a => a is not null) ? [.. each.OfType<AnomalyTraits>()] : null));

    // --- source records, failed checks and search -------------------------------------------------------

    /// <summary>A record anomaly with more than ten source rows: a limit of 5, 12 or 50 and the default of 10 each tell on it.</summary>
    public static readonly ExistingNeed SourceRowsOverTen = new(
        "a record anomaly with more than ten source rows",
        candidates => candidates.FirstOrDefault(a => a.Type == "record" && a.SourceRows > 10) is { } one ? [one] : null);

    /// <summary>A record anomaly whose source rows hold what CSV writers get wrong: a decimal number, a boolean and a null.</summary>
    public static readonly ExistingNeed AwkwardSourceValues = new(
        "a record anomaly whose source rows hold a decimal number, a boolean and a null (what a CSV rendering is judged on)",
        candidates => candidates.FirstOrDefault(a => a.Type == "record" && a.SourceValueKinds is { } kinds
            && kinds.Contains(Discovery.SourceValueKinds.Decimal) && kinds.Contains(Discovery.SourceValueKinds.Boolean) && kinds.Contains(Discovery.SourceValueKinds.Null)) is { } one ? [one] : null);

    /// <summary>A record anomaly with more than ten source rows and masked fields, the most masked fields first (each is unmasked on its own).</summary>
    public static readonly ExistingNeed MaskedSourceRows = new(
        "a record anomaly with more than ten source rows, some of their fields masked",
        candidates => candidates.Where(a => a.Type == "record" && a.SourceRows > 10 && a.MaskedFields is { Count: > 0 })
            .OrderByDescending(a => a.MaskedFields!.Count).FirstOrDefault() is { } one ? [one] : null);

    /// <summary>
    /// What <see cref="MaskedSourceRows"/> asks, among the sacrificial anomalies: a read with include_masked=true
    /// writes an audit entry, which nothing puts back, so the checks that unmask are given anomalies the run may spend.
    /// </summary>
    public static readonly ExistingNeed SacrificialMaskedSourceRows = MaskedSourceRows with
    {
        Name = "a sacrificial record anomaly with more than ten source rows, some of their fields masked (an unmasked read leaves an audit entry)",
        Destroys = true,
        Uses = 4,
    };

    /// <summary>An anomaly whose failed checks each carry an id, a rule type and a message.</summary>
    public static readonly ExistingNeed FailedChecksStated = new(
        "an anomaly with failed checks, each stating its id, rule type and message",
        candidates => candidates.FirstOrDefault(a => a.FailedCheckList.Count > 0 && a.FailedCheckList.All(c => c is { Id: not null, RuleType: not null, Message: not null })) is { } one ? [one] : null);

    /// <summary>Five open anomalies of one datastore whose messages and descriptions give search terms (<see cref="FailedCheckTerms"/>).</summary>
    public static readonly ExistingNeed SearchableMessages = OpenTogether(
        5, "five open anomalies of one datastore, a word of one's failed-check messages lacking from another's, and a word of a description its own messages lack",
        w => FailedCheckTerms.MessageTerm(w) is not null && FailedCheckTerms.SpanningTerm(w) is not null && FailedCheckTerms.DescriptionTerm(w) is not null);

    public static readonly ExistingNeed SearchableInAnotherCase = OpenTogether(
        3, "three open anomalies of one datastore, a word of one's failed-check messages lacking from another's",
        w => FailedCheckTerms.CaseChanged(w) is not null);

    /// <summary>Three open anomalies of one datastore, one with a proper part of its id that its uuid lacks: that part is searched.</summary>
    public static readonly ExistingNeed SearchableIds = OpenTogether(
        3, "three open anomalies of one datastore, one with a part of its id that its uuid lacks",
        w => w.Any(a => FailedCheckTerms.ProperPartOfId(a.Id, a.Uuid) is not null));

    public static readonly ExistingNeed FieldBeyondFirstCheck = OpenTogether(
        4, "four open anomalies of one datastore, a field of one's second failed check lacking from its first and from another's",
        w => FailedCheckTerms.BeyondFirstCheck(w, FailedCheckTerms.FieldsOf) is not null);

    public static readonly ExistingNeed QualityCheckBeyondFirstCheck = OpenTogether(
        3, "three open anomalies of one datastore, the id of one's second failed check lacking from its first and from another's",
        w => FailedCheckTerms.BeyondFirstCheck(w, FailedCheckTerms.IdOf) is not null);

    public static readonly ExistingNeed RuleTypeBeyondFirstCheck = OpenTogether(
        3, "three open anomalies of one datastore, the rule type of one's second failed check lacking from its first and from another's",
        w => FailedCheckTerms.BeyondFirstCheck(w, FailedCheckTerms.RuleTypeOf) is not null && FailedCheckTerms.TwoValues(w, FailedCheckTerms.RuleTypeOf) is not null);

    public static readonly ExistingNeed TwoRuleTypes = OpenTogether(
        3, "three open anomalies of one datastore, failed checks of two rule types",
        w => FailedCheckTerms.TwoValues(w, FailedCheckTerms.RuleTypeOf) is not null);

    /// <summary>
    /// <paramref name="count"/> open anomalies of one datastore, consecutive by id, that <paramref name="fits"/>
    /// together: what a check derives from them it derives from them all.
    /// </summary>
    private static ExistingNeed OpenTogether(int count, string name, Func<IReadOnlyList<AnomalyTraits>, bool> fits) => new(
        name,
        candidates => ExistingNeed.InOneDatastore(candidates, ds =>
        {
            var open = ds.Where(a => a.IsOpen).ToList();
            return Enumerable.Range(0, Math.Max(0, open.Count - count + 1))
                .Select(start => open.GetRange(start, count))
                .FirstOrDefault(window => fits(window));
        }));

    /// <summary>Every need, in the order `--discover` covers them.</summary>
    public static IReadOnlyList<ExistingNeed> All { get; } =
    [
        CreatedDaysApart,
        CreatedAtFourTimes,
        CreatedAroundABound,
        CreatedOnADayAndDaysAway,
        CreatedAroundADay,
        CreatedRecentlyAndLongAgo,
        CreatedAcrossTimeframes,
        FingerprintInTwoDatastores,
        SharedFingerprint,
        SacrificialWithComments,
        CommentedAndTwoOpen,
        SoftDeleted,
        SoftDeletedBesideOpen,
        SacrificialSoftDeletedOpen,
        EveryKindOfDeletion,
        DifferentWeights,
        DifferentCounts,
        NullCountBesideCounts,
        DefaultOrderShows,
        SortsCombinationShows,
        DifferentWeightsAndTimes,
        EachStatus,
        SourceRowsOverTen,
        AwkwardSourceValues,
        MaskedSourceRows,
        SacrificialMaskedSourceRows,
        FailedChecksStated,
        SearchableMessages,
        SearchableInAnotherCase,
        SearchableIds,
        FieldBeyondFirstCheck,
        QualityCheckBeyondFirstCheck,
        RuleTypeBeyondFirstCheck,
        TwoRuleTypes,
    ];

    /// <summary><paramref name="count"/> of the candidates with different non-null values; null when fewer differ.</summary>
    private static List<AnomalyTraits>? Differing(IEnumerable<AnomalyTraits> candidates, Func<AnomalyTraits, long?> value, int count) =>
        candidates.Where(a => value(a) is not null).DistinctBy(value).Take(count).ToList() is var differing && differing.Count == count ? differing : null;

    /// <summary>The open candidates that read with both a weight and a creation time (what the default order and the sorts compare).</summary>
    private static List<AnomalyTraits> Sortable(IEnumerable<AnomalyTraits> candidates) =>
        [.. candidates.Where(a => a.IsOpen && a.Created is not null && a.Weight is not null)];
}
