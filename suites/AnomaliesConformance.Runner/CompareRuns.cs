using AnomaliesConformance.Runner.Reporting;

namespace AnomaliesConformance.Runner;

/// <summary>
/// `compare BASELINE CURRENT`: two finished runs' verdicts rule by rule, printed like a run's --baseline
/// section; it exits as CURRENT would have with --baseline BASELINE (and the same --fail-on).
/// </summary>
public static class CompareRuns
{
    public static int Run(string baselinePath, string currentPath, bool failOnRegressions, TextWriter console)
    {
        var baseline = RecordedRun.Load(baselinePath, "compare BASELINE");
        var current = RecordedRun.Load(currentPath, "compare CURRENT");
        baseline.EnsureSameCatalogue(current.Rules.Select(r => r.Id), "compare BASELINE", current.Path);
        var comparison = BaselineComparison.Of(baseline, current.Rules);
        console.WriteLine($"{current.Path} ({current.Target}, {current.Started}), {(current.Conformant ? "conformant" : "not conformant")}");
        ConsoleSummary.WriteBaseline(comparison, console);
        return failOnRegressions
            ? comparison.Regressions.Count > 0 ? ConformanceRunner.ExitNotConformant : ConformanceRunner.ExitConformant
            : current.Conformant ? ConformanceRunner.ExitConformant : ConformanceRunner.ExitNotConformant;
    }
}
