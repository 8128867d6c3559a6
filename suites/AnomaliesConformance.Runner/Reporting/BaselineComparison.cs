using System.Text.Json;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Runner.Reporting;

/// <summary>One rule's verdict as a results.json records it.</summary>
public sealed record RecordedRule(string Id, string Level, string Summary, string Verdict);

/// <summary>
/// A finished run's results.json read for comparison (--baseline, compare A B): where it came from and each
/// rule's verdict. Anything that is not a results.json of this suite is a <see cref="ConfigurationException"/>.
/// </summary>
public sealed record RecordedRun(string Path, string Target, string Started, bool Conformant, IReadOnlyList<RecordedRule> Rules)
{
    private static readonly HashSet<string> RuleVerdicts = [Verdicts.Passed, Verdicts.Failed, Verdicts.Skipped, Verdicts.Inconclusive, Verdicts.Waived];

    /// <summary>Reads a run's results.json, or the one in a run's report folder; <paramref name="option"/> names the argument in errors.</summary>
    public static RecordedRun Load(string path, string option)
    {
        var (file, results) = FinishedRunResults.Read(path, option);
        return Of(file, results, option);
    }

    /// <summary>The verdicts of a results.json already read (<see cref="FinishedRunResults.Read"/>).</summary>
    public static RecordedRun Of(string file, JsonObject results, string option)
    {
        if (results["rules"] is not JsonArray rules)
        {
            throw new ConfigurationException($"{option}: {file} is not a complete results.json: it has no \"rules\" list");
        }

        var recorded = new List<RecordedRule>();
        foreach (var (entry, index) in rules.Select((r, i) => (r as JsonObject, i)))
        {
            var id = Text(entry?["id"]);
            var verdict = Text(entry?["verdict"]);
            if (id is null || verdict is null || !RuleVerdicts.Contains(verdict))
            {
                throw new ConfigurationException($"{option}: {file} is not a complete results.json: rules[{index}] needs an \"id\" and a \"verdict\" (one of {string.Join(", ", RuleVerdicts)})");
            }

            recorded.Add(new RecordedRule(id, Text(entry!["level"]) ?? "", Text(entry["summary"]) ?? "", verdict));
        }

        var conformant = results["conformant"] is JsonValue value && value.TryGetValue<bool>(out var flag) && flag;
        return new RecordedRun(file, Text(results["target"]) ?? "", Text(results["started"]) ?? "", conformant, recorded);
    }

    /// <summary>
    /// Runs are compared only over the same rules catalogue: a rule added, removed or renamed changes what
    /// a verdict means, so the rule ids of both must be the same set.
    /// </summary>
    public void EnsureSameCatalogue(IEnumerable<string> otherRuleIds, string option, string other)
    {
        var mine = Rules.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var theirs = otherRuleIds.ToHashSet(StringComparer.Ordinal);
        if (mine.SetEquals(theirs))
        {
            return;
        }

        static string Few(IEnumerable<string> ids) => ids.Order(StringComparer.Ordinal).ToList() is var list && list.Count > 5
            ? string.Join(", ", list.Take(5)) + $" and {list.Count - 5} more"
            : string.Join(", ", list);
        var onlyMine = mine.Except(theirs).ToList();
        var onlyTheirs = theirs.Except(mine).ToList();
        throw new ConfigurationException(
            $"{option}: {Path} comes from another rules catalogue than {other}: " +
            string.Join("; ", new[]
            {
                onlyMine.Count > 0 ? $"{onlyMine.Count} rule(s) only in it ({Few(onlyMine)})" : null,
                onlyTheirs.Count > 0 ? $"{onlyTheirs.Count} rule(s) only in {other} ({Few(onlyTheirs)})" : null,
            }.OfType<string>()) + "; compare runs of the same catalogue");
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}

/// <summary>How a rule's verdict moved between the baseline and this run (definitions in README, "Baselines").</summary>
public static class ComparisonCategories
{
    /// <summary>Failed (or waived) now; passed or inconclusive in the baseline. A regression unless waived now.</summary>
    public const string NewFailure = "new-failure";
    /// <summary>Passed now; failed or waived in the baseline.</summary>
    public const string Fixed = "fixed";
    /// <summary>Failed or waived in both.</summary>
    public const string StillFailing = "still-failing";
    /// <summary>Inconclusive now; passed, failed or waived in the baseline.</summary>
    public const string NewlyInconclusive = "newly-inconclusive";
    /// <summary>Passed now; inconclusive in the baseline.</summary>
    public const string NewlyPassed = "newly-passed";
    /// <summary>Passed in both, or inconclusive in both.</summary>
    public const string Unchanged = "unchanged";
    /// <summary>Skipped (not checked) in either run: nothing to compare.</summary>
    public const string NotCompared = "not-compared";

    /// <summary>In the order the reports list them.</summary>
    public static readonly IReadOnlyList<string> All = [NewFailure, NewlyInconclusive, StillFailing, Fixed, NewlyPassed, Unchanged, NotCompared];

    public static string Describe(string category) => category switch
    {
        NewFailure => "new failure",
        Fixed => "fixed",
        StillFailing => "still failing",
        NewlyInconclusive => "newly inconclusive",
        NewlyPassed => "newly passed",
        Unchanged => "unchanged",
        _ => "not compared",
    };

    public static string Of(string before, string now)
    {
        static bool Failing(string verdict) => verdict is Verdicts.Failed or Verdicts.Waived;
        if (before == Verdicts.Skipped || now == Verdicts.Skipped)
        {
            return NotCompared;
        }

        return now switch
        {
            _ when Failing(now) => Failing(before) ? StillFailing : NewFailure,
            Verdicts.Inconclusive => before == Verdicts.Inconclusive ? Unchanged : NewlyInconclusive,
            _ => Failing(before) ? Fixed : before == Verdicts.Inconclusive ? NewlyPassed : Unchanged,
        };
    }
}

/// <summary>One rule in both runs.</summary>
public sealed record RuleComparison(string Rule, string Level, string Summary, string Before, string Now, string Category)
{
    /// <summary>What a release gate fails on (--fail-on regressions): a rule that fails now and did not before. A waived new failure is accepted, as it is by the exit code.</summary>
    public bool Regression => Category == ComparisonCategories.NewFailure && Now == Verdicts.Failed;
}

/// <summary>A run's verdicts rule by rule against a baseline run's (--baseline, compare A B).</summary>
public sealed record BaselineComparison(string Baseline, string BaselineTarget, string BaselineStarted, IReadOnlyList<RuleComparison> Rules)
{
    public IReadOnlyList<RuleComparison> Regressions => Rules.Where(r => r.Regression).ToList();

    public IReadOnlyList<RuleComparison> In(string category) => Rules.Where(r => r.Category == category).ToList();

    /// <summary>The categories worth listing rule by rule (unchanged and not compared are only counted).</summary>
    public IReadOnlyList<RuleComparison> Changes => ComparisonCategories.All
        .Where(c => c is not (ComparisonCategories.Unchanged or ComparisonCategories.NotCompared))
        .SelectMany(In).ToList();

    /// <summary>"1 new failure(s), 0 newly inconclusive, ..." for a console line or a heading.</summary>
    public string Counts() => string.Join(", ", ComparisonCategories.All.Select(c => (Category: c, Count: In(c).Count))
        .Select(x => $"{x.Count} {ComparisonCategories.Describe(x.Category)}{(x.Category == ComparisonCategories.NewFailure && x.Count != 1 ? "s" : "")}"));

    public static BaselineComparison Of(RecordedRun baseline, IEnumerable<RecordedRule> now)
    {
        var before = baseline.Rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var rules = now
            .Select(r => (Now: r, Before: before.GetValueOrDefault(r.Id)?.Verdict ?? Verdicts.Skipped))
            .Select(x => new RuleComparison(x.Now.Id, x.Now.Level, x.Now.Summary, x.Before, x.Now.Verdict, ComparisonCategories.Of(x.Before, x.Now.Verdict)))
            .ToList();
        return new BaselineComparison(baseline.Path, baseline.Target, baseline.Started, rules);
    }

    public static BaselineComparison Of(RecordedRun baseline, RunReport report) =>
        Of(baseline, report.Rules.Select(r => new RecordedRule(r.Rule.Id, r.Rule.Level, r.Rule.Summary, r.Verdict)));
}
