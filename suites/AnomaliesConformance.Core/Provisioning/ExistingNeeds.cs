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

    /// <summary>Every need, in the order `--discover` covers them.</summary>
    public static IReadOnlyList<ExistingNeed> All { get; } =
    [
        CreatedDaysApart,
        FingerprintInTwoDatastores,
        SharedFingerprint,
        SacrificialWithComments,
        CommentedAndTwoOpen,
        SoftDeleted,
        SoftDeletedBesideOpen,
        SacrificialSoftDeletedOpen,
        EveryKindOfDeletion,
    ];
}
