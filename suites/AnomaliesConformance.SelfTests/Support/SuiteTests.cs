using AnomaliesConformance.Suite.Support;
using NUnit.Framework.Api;
using NUnit.Framework.Interfaces;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.SelfTests.Support;

/// <summary>
/// The conformance suite's tests as NUnit discovers them, generated cases included (their rules come from
/// specs/ at discovery, not from attributes), without running any of them.
/// </summary>
public static class SuiteTests
{
    private static readonly Lazy<IReadOnlyList<ITest>> Discovered = new(Discover);

    public static IReadOnlyList<ITest> All => Discovered.Value;

    /// <summary>Every rule some test of the suite checks, as the runner reads them (test and parents).</summary>
    public static IReadOnlyList<string> RuleIds() => All.SelectMany(EmbeddedTestRunner.RulesOf).Distinct(StringComparer.Ordinal).ToList();

    private static List<ITest> Discover()
    {
        var root = new DefaultTestAssemblyBuilder().Build(typeof(ConformanceTest).Assembly, new Dictionary<string, object>());
        var leaves = new List<ITest>();
        Collect(root, leaves);
        return leaves;
    }

    private static void Collect(ITest test, List<ITest> leaves)
    {
        if (!test.IsSuite)
        {
            leaves.Add(test);
            return;
        }

        // A suite whose source failed (e.g. a missing specs file) has no children; it is kept so it shows.
        if (test.Tests.Count == 0 && test.RunState == RunState.NotRunnable)
        {
            leaves.Add(test);
        }

        foreach (var child in test.Tests)
        {
            Collect(child, leaves);
        }
    }
}
