using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Runner.Reporting;

/// <summary>One fixture a run lacked, once: how many checks it blocked, and the rules no other check judged that it would let the run judge.</summary>
public sealed record MissingFixtureLine(string Missing, int Checks, IReadOnlyList<string> RulesItWouldJudge);

/// <summary>
/// Missing fixtures said once each, not once per check ("37 checks need sacrificial anomalies..."), with what
/// giving them would add: the rules left unjudged whose checks they blocked. Most rules unlocked first.
/// </summary>
public static class MissingFixtureSummary
{
    public static IReadOnlyList<MissingFixtureLine> Of(IReadOnlyList<MissingFixture> missing, IReadOnlyList<TestOutcome> outcomes)
    {
        var judged = outcomes.Where(o => o.Verdict is Verdicts.Passed or Verdicts.Failed).SelectMany(o => o.Rules).ToHashSet(StringComparer.Ordinal);
        var rulesOf = outcomes.GroupBy(o => o.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.SelectMany(o => o.Rules).ToList(), StringComparer.Ordinal);
        return [.. missing
            .GroupBy(m => m.Missing, StringComparer.Ordinal)
            .Select(g => new MissingFixtureLine(
                g.Key,
                g.Select(m => m.Test).Distinct(StringComparer.Ordinal).Count(),
                [.. g.SelectMany(m => rulesOf.GetValueOrDefault(m.Test) ?? []).Where(r => !judged.Contains(r)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]))
            .OrderByDescending(l => l.RulesItWouldJudge.Count)
            .ThenByDescending(l => l.Checks)
            .ThenBy(l => l.Missing, StringComparer.Ordinal)];
    }

    /// <summary>"37 checks need sacrificial anomalies ...; 4 more rules would be judged: A, B, C, D".</summary>
    public static string Describe(MissingFixtureLine line) =>
        $"{line.Checks} check(s) need {line.Missing}" + (line.RulesItWouldJudge.Count == 0
            ? " (their rules are judged by other checks)"
            : $"; {line.RulesItWouldJudge.Count} more rule(s) would be judged: {string.Join(", ", line.RulesItWouldJudge)}");
}
