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

    // --- source records, failed checks and search -------------------------------------------------------

    /// <summary>A record anomaly with more than ten source rows: a limit of 5, 12 or 50 and the default of 10 each tell on it.</summary>
    public static readonly ExistingNeed SourceRowsOverTen = new(
        "a record anomaly with more than ten source rows",
        candidates => candidates.FirstOrDefault(a => a.Type == "record" && a.SourceRows > 10) is { } one ? [one] : null);

    /// <summary>A record anomaly with more than ten source rows and masked fields, the most masked fields first (each is unmasked on its own).</summary>
    public static readonly ExistingNeed MaskedSourceRows = new(
        "a record anomaly with more than ten source rows, some of their fields masked",
        candidates => candidates.Where(a => a.Type == "record" && a.SourceRows > 10 && a.MaskedFields is { Count: > 0 })
            .OrderByDescending(a => a.MaskedFields!.Count).FirstOrDefault() is { } one ? [one] : null);

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

        // source records, failed checks and search
        SourceRowsOverTen,
        MaskedSourceRows,
        FailedChecksStated,
        SearchableMessages,
        SearchableInAnotherCase,
        SearchableIds,
        FieldBeyondFirstCheck,
        QualityCheckBeyondFirstCheck,
        RuleTypeBeyondFirstCheck,
        TwoRuleTypes,
    ];
}
