using AnomaliesConformance.Core.Catalogue;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Specs;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core;

namespace AnomaliesConformance.Runner.Reporting;

/// <summary>The verdict of one catalogue rule, from the tests tagged with it (and the waiver that covers it, if any).</summary>
public sealed record RuleVerdict(Rule Rule, string Verdict, IReadOnlyList<TestOutcome> Tests, string? Note)
{
    public Waiver? WaivedBy { get; init; }
}

/// <summary>The profile's canary anomaly, read before and after the run.</summary>
public sealed record CanaryCheck(string Anomaly, bool Unchanged);

/// <summary>The teardown of what the run provisioned, and whether the inventory shows nothing left.</summary>
public sealed record CleanupCheck(string Run, IReadOnlyDictionary<string, long> Removed, IReadOnlyDictionary<string, long> Remaining, bool Verified);

/// <summary>
/// The drift between the target's own OpenAPI description (fetched from <see cref="TargetDocument"/>, saved
/// as <see cref="SavedAs"/> beside the reports) and <see cref="ComparedWith"/>: information, never a verdict.
/// </summary>
public sealed record SpecDriftReport(string TargetDocument, string SavedAs, string ComparedWith, IReadOnlyList<DriftItem> Items);

/// <summary>Everything the report writers render: rules, tests, target, seed, timing, findings and waivers.</summary>
public sealed record RunReport
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
    public CanaryCheck? Canary { get; init; }
    public CleanupCheck? Cleanup { get; init; }
    public IReadOnlyList<WaiverOutcome> Waivers { get; init; } = [];
    /// <summary>Relative link to the spec coverage page of this run, or null when the run produced none.</summary>
    public string? SpecCoveragePage { get; init; }
    /// <summary>Relative link to the reference server's code coverage page (--server-coverage), or null.</summary>
    public string? ServerCoveragePage { get; init; }
    /// <summary>Timeout, retries and rate limit the run used: part of what a verdict was reached under.</summary>
    public RequestPolicy RequestPolicy { get; init; } = new();
    /// <summary>The drift section (--spec-from-target), or null when the run did not fetch the target's description.</summary>
    public SpecDriftReport? SpecDrift { get; init; }
    /// <summary>This run's verdicts against a baseline run's (--baseline), or null.</summary>
    public BaselineComparison? Baseline { get; init; }
    /// <summary>Retries during run setup (readiness probe, cast provisioning), which belong to no test.</summary>
    public int SetupRetries { get; init; }
    /// <summary>What the certificate is made from and whether this run gets one (null: a report built outside a run).</summary>
    public CertificationBasis? Certification { get; init; }
    /// <summary>The part of a sharded run (--shard i/n) this report covers, or null for a whole run.</summary>
    public ShardReport? Shard { get; init; }

    public int TotalRetries => SetupRetries + Tests.Sum(t => t.Retries);

    /// <summary>Every request the run sent (each attempt counts), its setup and teardown included.</summary>
    public int RequestsSent { get; init; }

    /// <summary>The requests the checks themselves sent (their fixtures' provisioning included).</summary>
    public int CheckRequests => Tests.Sum(t => t.Exchanges.Count);

    /// <summary>The requests of one rule's checks: what it costs to judge it.</summary>
    public static int RequestsOf(RuleVerdict rule) => rule.Tests.Sum(t => t.Exchanges.Count);

    /// <summary>Recorded findings and the tests' own Assert.Warn messages (undocumented response properties).</summary>
    public IReadOnlyList<Warning> AllWarnings => Findings.Warnings
        .Concat(Tests.SelectMany(t => t.Warnings.Select(w => new Warning(string.Join(",", t.Rules), t.Name, w))))
        .ToList();

    /// <summary>Every MUST rule that was checked passed (or is waived), nothing could not be judged, and the canary is untouched.</summary>
    public bool Conformant => UnknownRuleIds.Count == 0 && Canary?.Unchanged != false && Rules
        .Where(r => r.Rule.IsMust)
        .All(r => r.Verdict is Verdicts.Passed or Verdicts.Skipped or Verdicts.Waived);

    public int RuleCount(string verdict) => Rules.Count(r => r.Verdict == verdict);

    public int RuleCount(string level, string verdict) => Rules.Count(r => r.Rule.Level == level && r.Verdict == verdict);

    public int TestCount(string verdict) => Tests.Count(t => t.Verdict == verdict);

    public string PassRate(string level)
    {
        var checkedRules = Rules.Where(r => r.Rule.Level == level && r.Verdict != Verdicts.Skipped).ToList();
        return checkedRules.Count == 0 ? "n/a" : $"{checkedRules.Count(r => r.Verdict == Verdicts.Passed)}/{checkedRules.Count}";
    }

    public Rule? FindRule(string id) => Rules.FirstOrDefault(r => r.Rule.Id == id)?.Rule;

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
        IReadOnlyList<Waiver>? waivers = null,
        RequestPolicy? requestPolicy = null,
        int setupRetries = 0)
    {
        var raw = VerdictsByRule(catalogue, tests);
        var waiverOutcomes = (waivers ?? []).Select(w => Judge(w, raw.TryGetValue(w.Rule, out var ruleVerdict) ? ruleVerdict.Verdict : Verdicts.Skipped, DateOnly.FromDateTime(started.UtcDateTime))).ToList();
        var appliedByRule = waiverOutcomes.Where(o => o.State == WaiverStates.Applied)
            .GroupBy(o => o.Waiver.Rule, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Waiver, StringComparer.Ordinal);

        // A failing test is waived when every rule it checks is waived; one unwaived rule keeps it failed.
        var judgedTests = tests.Select(t =>
            t.Verdict is Verdicts.Failed or Verdicts.TargetError && t.Rules.Count > 0 && t.Rules.All(appliedByRule.ContainsKey)
                ? t with { Verdict = Verdicts.Waived, Message = $"waived by {string.Join(", ", t.Rules.Select(r => appliedByRule[r].Id).Distinct())}; was {t.Verdict}: {t.Message}" }
                : t).ToList();
        var byRule = TestsByRule(judgedTests);
        var rules = catalogue.Rules.Select(rule =>
        {
            var ruleTests = byRule.GetValueOrDefault(rule.Id) ?? [];
            var (verdict, note) = raw[rule.Id];
            return appliedByRule.TryGetValue(rule.Id, out var waiver)
                ? new RuleVerdict(rule, Verdicts.Waived, ruleTests, $"{verdict}, waived by {waiver.Id} until {waiver.Expires:yyyy-MM-dd}: {waiver.Reason}") { WaivedBy = waiver }
                : new RuleVerdict(rule, verdict, ruleTests, note);
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
            Tests = judgedTests,
            UnknownRuleIds = unknown,
            Findings = findings ?? new RunFindings(),
            Waivers = waiverOutcomes,
            RequestPolicy = requestPolicy ?? new RequestPolicy(),
            SetupRetries = setupRetries,
        };
    }

    private static Dictionary<string, List<TestOutcome>> TestsByRule(IEnumerable<TestOutcome> tests) =>
        tests.SelectMany(t => t.Rules.Select(r => (Rule: r, Test: t)))
            .GroupBy(x => x.Rule, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Test).ToList(), StringComparer.Ordinal);

    private static Dictionary<string, (string Verdict, string? Note)> VerdictsByRule(RuleCatalogue catalogue, IReadOnlyList<TestOutcome> tests)
    {
        var byRule = TestsByRule(tests);
        return catalogue.Rules.ToDictionary(r => r.Id, r => Aggregate(byRule.GetValueOrDefault(r.Id) ?? []), StringComparer.Ordinal);
    }

    private static WaiverOutcome Judge(Waiver waiver, string ruleVerdict, DateOnly runDate)
    {
        if (ruleVerdict == Verdicts.Passed)
        {
            return new WaiverOutcome(waiver, WaiverStates.RulePasses, $"rule {waiver.Rule} passes now: delete this waiver");
        }

        if (ruleVerdict == Verdicts.Skipped)
        {
            return new WaiverOutcome(waiver, WaiverStates.NotChecked, $"no test of this run checked rule {waiver.Rule}");
        }

        // A waiver holds through its expiry date and lapses the day after.
        return waiver.Expires < runDate
            ? new WaiverOutcome(waiver, WaiverStates.Expired, $"expired on {waiver.Expires:yyyy-MM-dd}: rule {waiver.Rule} is reported {ruleVerdict}; renew the waiver or fix the target")
            : new WaiverOutcome(waiver, WaiverStates.Applied, $"rule {waiver.Rule} is {ruleVerdict}, reported waived until {waiver.Expires:yyyy-MM-dd}");
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
