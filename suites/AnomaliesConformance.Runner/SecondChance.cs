using System.Reflection;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Runner.Reporting;

namespace AnomaliesConformance.Runner;

/// <summary>
/// A check that ended in a target error because an answer was lost on the way (a reset, a dropped
/// connection, a timeout; not a 5xx or a 429, which are the target's own answers) runs once more, from
/// scratch: under a run id of its own, with fixtures of its own (the first attempt's lost write may have
/// changed its fixtures), torn down at once; at most <see cref="Rounds"/> times. Its verdict is the last
/// attempt's, and its message says it ran again and why; every attempt's exchanges stay in the record. A
/// target error in the last round stays one. A
/// network blip then costs a check a rerun, not its rule's verdict. Only where the run provisions its own
/// fixtures: a manifest's anomalies are not the run's to set up again.
/// </summary>
public static class SecondChance
{
    /// <summary>How many times a check that lost an answer is run again, at most.</summary>
    public const int Rounds = 2;

    public static async Task<(IReadOnlyList<TestOutcome> Outcomes, CleanupCheck? Cleanup)> RunAsync(
        ConformanceRun run, Assembly suite, IReadOnlyList<TestOutcome> outcomes, RunLedger ledger, TextWriter console)
    {
        if (run.Manifest is not null || run.ProvisioningUnavailable is not null || run.Settings.FaultMatrix)
        {
            return (outcomes, null);
        }

        CleanupCheck? incomplete = null;
        var latest = run;
        for (var round = 1; round <= Rounds; round++)
        {
            var lost = Lost(latest, outcomes);
            if (lost.Count == 0)
            {
                break;
            }

            var (again, rerun, cleanup) = await SubRun.RunAsync(run, suite, lost, $"{run.Settings.RunId}r{round}", run.Recorder, run.Findings, ledger: ledger, console: console);
            incomplete = cleanup.Verified ? incomplete : cleanup;
            var second = rerun.ToDictionary(o => o.Id, StringComparer.Ordinal);
            console.WriteLine($"Ran again ({round} of at most {Rounds}): {lost.Count} check(s) whose answers were lost on the way; {rerun.Count(o => o.Verdict != Verdicts.TargetError)} judged this time");
            outcomes = outcomes.Select(o => second.TryGetValue(o.Id, out var a) ? a with { Message = Note(o, a) } : o).ToList();
            latest = again;
        }

        return (outcomes, incomplete);
    }

    /// <summary>
    /// The checks that ended at a lost answer: their own last exchange got none, or a shared fixture they used
    /// lost one in its setup (every check that used it then fails at an exchange not its own).
    /// </summary>
    private static HashSet<string> Lost(ConformanceRun run, IReadOnlyList<TestOutcome> outcomes)
    {
        var lostFixtureUsers = run.SharedFixtureUsers
            .Where(f => run.Recorder.ForTest(f.Key).Any(e => e.TransportError is not null))
            .SelectMany(f => f.Value)
            .ToHashSet(StringComparer.Ordinal);
        return outcomes.Where(o => LostAnAnswer(o) || (o.Verdict == Verdicts.TargetError && lostFixtureUsers.Contains(o.Id)))
            .Select(o => o.Id)
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// A target error in a check one of whose exchanges got no whole answer (the target's own 5xx or 429 is not a
    /// lost answer). Any of them, not only the last: a check may send independent reads at once.
    /// </summary>
    public static bool LostAnAnswer(TestOutcome outcome) =>
        outcome.Verdict == Verdicts.TargetError && outcome.Exchanges.Any(e => e.TransportError is not null);

    private static string Note(TestOutcome first, TestOutcome second)
    {
        var why = (first.Message ?? "").Split('\n')[0];
        return $"ran again after an answer was lost on the way (first attempt: {why})" + (second.Message is null ? "" : "\n" + second.Message);
    }
}
