using AnomaliesConformance.Core.Catalogue;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Running;

namespace AnomaliesConformance.Core.Reporting;

/// <summary>The verdict of one catalogue rule, from the tests tagged with it.</summary>
public sealed record RuleVerdict(Rule Rule, string Verdict, IReadOnlyList<TestOutcome> Tests, string? Note);

/// <summary>Everything the report writers render: rules, tests, target, seed and timing.</summary>
public sealed class RunReport
{
    public required string Target { get; init; }
    public required int Seed { get; init; }
    public required DateTimeOffset Started { get; init; }
    public required TimeSpan Duration { get; init; }
    public required IReadOnlyList<string> Faults { get; init; }
    public required string SpecVersion { get; init; }
    public required IReadOnlyList<RuleVerdict> Rules { get; init; }
    public required IReadOnlyList<TestOutcome> Tests { get; init; }
    /// <summary>Tests that name a rule missing from the catalogue: a defect of the suite, reported loudly.</summary>
    public required IReadOnlyList<string> UnknownRuleIds { get; init; }
    public RunFindings Findings { get; init; } = new();
    /// <summary>Timeout, retries and rate limit the run used: part of what a verdict was reached under.</summary>
    public RequestPolicy RequestPolicy { get; init; } = new();
    /// <summary>Retries during run setup (readiness probe, cast provisioning), which belong to no test.</summary>
    public int SetupRetries { get; init; }

    public int TotalRetries => SetupRetries + Tests.Sum(t => t.Retries);

    /// <summary>Every MUST rule that was checked passed, and nothing could not be judged.</summary>
    public bool Conformant => UnknownRuleIds.Count == 0 && Rules
        .Where(r => r.Rule.IsMust)
        .All(r => r.Verdict is Verdicts.Passed or Verdicts.Skipped or Verdicts.Waived);

    public int RuleCount(string verdict) => Rules.Count(r => r.Verdict == verdict);

    public int TestCount(string verdict) => Tests.Count(t => t.Verdict == verdict);

    public string PassRate(string level)
    {
        var checkedRules = Rules.Where(r => r.Rule.Level == level && r.Verdict != Verdicts.Skipped).ToList();
        return checkedRules.Count == 0 ? "n/a" : $"{checkedRules.Count(r => r.Verdict == Verdicts.Passed)}/{checkedRules.Count}";
    }

    public static RunReport Build(
        RuleCatalogue catalogue,
        IReadOnlyList<TestOutcome> tests,
        string target,
        int seed,
        DateTimeOffset started,
        TimeSpan duration,
        IReadOnlyList<string> faults,
        string specVersion,
        RunFindings? findings = null,
        RequestPolicy? requestPolicy = null,
        int setupRetries = 0)
    {
        var byRule = tests.SelectMany(t => t.Rules.Select(r => (Rule: r, Test: t)))
            .GroupBy(x => x.Rule, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Test).ToList(), StringComparer.Ordinal);
        var rules = catalogue.Rules.Select(rule =>
        {
            var ruleTests = byRule.GetValueOrDefault(rule.Id) ?? [];
            var (verdict, note) = Aggregate(ruleTests);
            return new RuleVerdict(rule, verdict, ruleTests, note);
        }).ToList();
        var unknown = byRule.Keys.Where(id => catalogue.Find(id) is null).Order(StringComparer.Ordinal).ToList();
        return new RunReport
        {
            Target = target,
            Seed = seed,
            Started = started,
            Duration = duration,
            Faults = faults,
            SpecVersion = specVersion,
            Rules = rules,
            Tests = tests,
            UnknownRuleIds = unknown,
            Findings = findings ?? new RunFindings(),
            RequestPolicy = requestPolicy ?? new RequestPolicy(),
            SetupRetries = setupRetries,
        };
    }

    private static (string Verdict, string? Note) Aggregate(IReadOnlyList<TestOutcome> tests)
    {
        if (tests.Count == 0)
        {
            return (Verdicts.Skipped, "no test of this run checks this rule");
        }

        if (tests.Any(t => t.Verdict == Verdicts.Failed))
        {
            return (Verdicts.Failed, null);
        }

        if (tests.Any(t => t.Verdict == Verdicts.TargetError))
        {
            // The target's answer could not be judged: not a pass, and not a proven violation.
            return (Verdicts.Inconclusive, "target error: see the failing exchange");
        }

        if (tests.Any(t => t.Verdict == Verdicts.Inconclusive))
        {
            return (Verdicts.Inconclusive, tests.First(t => t.Verdict == Verdicts.Inconclusive).Message);
        }

        if (tests.All(t => t.Verdict == Verdicts.Skipped))
        {
            return (Verdicts.Skipped, tests[0].Message);
        }

        // A pass the target first refused is still a pass, but never a silent one.
        var retries = tests.Sum(t => t.Retries);
        return (Verdicts.Passed, retries == 0 ? null : $"passed after {retries} retried request(s): see the tests' messages");
    }
}
