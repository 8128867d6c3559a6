using System.Reflection;
using System.Security;
using AnomaliesConformance.Core.Http;
using NUnit.Framework.Api;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace AnomaliesConformance.Core.Running;

/// <summary>
/// Runs the suite's NUnit tests in this process through NUnit's own framework API (what NUnitLite wraps),
/// in parallel, and turns each result into a <see cref="TestOutcome"/> with its recorded exchanges.
/// </summary>
public sealed class EmbeddedTestRunner(ExchangeRecorder recorder, TextWriter console)
{
    public IReadOnlyList<TestOutcome> Run(Assembly suite, IReadOnlyList<string> ruleFilter, int workers, int seed)
    {
        var runner = new NUnitTestAssemblyRunner(new DefaultTestAssemblyBuilder());
        runner.Load(suite, new Dictionary<string, object>
        {
            [NUnit.FrameworkPackageSettings.NumberOfTestWorkers] = workers,
            [NUnit.FrameworkPackageSettings.RandomSeed] = seed,
            [NUnit.FrameworkPackageSettings.SynchronousEvents] = false,
        });
        var filter = ruleFilter.Count == 0
            ? TestFilter.Empty
            : TestFilter.FromXml("<filter><or>" + string.Concat(ruleFilter.Select(r => $"<cat>{SecurityElement.Escape(r)}</cat>")) + "</or></filter>");
        var total = runner.CountTestCases(filter);
        var listener = new ProgressListener(console, total);
        var result = runner.Run(listener, filter);

        var outcomes = new List<TestOutcome>();
        Collect(result, outcomes);
        return outcomes;
    }

    private void Collect(ITestResult result, List<TestOutcome> outcomes)
    {
        if (result.HasChildren)
        {
            foreach (var child in result.Children)
            {
                Collect(child, outcomes);
            }

            return;
        }

        if (result.Test.IsSuite)
        {
            // A fixture with no runnable tests (or whose setup failed before its tests ran) reports here.
            if (result.ResultState.Status == TestStatus.Failed)
            {
                outcomes.Add(Outcome(result));
            }

            return;
        }

        outcomes.Add(Outcome(result));
    }

    private TestOutcome Outcome(ITestResult result)
    {
        var rules = RulesOf(result.Test);
        return new TestOutcome
        {
            Id = result.Test.FullName,
            Name = result.Test.Name,
            Fixture = result.Test.ClassName ?? result.Test.FullName,
            Rules = rules,
            Verdict = VerdictOf(result),
            Message = string.IsNullOrWhiteSpace(result.Message) ? null : result.Message.Trim(),
            DurationSeconds = result.Duration,
            Exchanges = recorder.ForTest(result.Test.FullName),
            Warnings = result.AssertionResults
                .Where(a => a.Status == AssertionStatus.Warning)
                .Select(a => a.Message.Trim())
                .ToList(),
        };
    }

    /// <summary>
    /// The rules a test enforces. On a method with test cases NUnit puts the attribute's properties on the
    /// parameterized method suite, so they are gathered from the test and its parents up to the fixture.
    /// </summary>
    public static List<string> RulesOf(ITest test)
    {
        var rules = new List<string>();
        for (var current = test; current is not null && current is not TestAssembly; current = current.Parent)
        {
            rules.AddRange(current.Properties[RuleAttribute.PropertyName].Cast<string>());
        }

        return rules.Distinct(StringComparer.Ordinal).ToList();
    }

    public static string VerdictOf(ITestResult result) => result.ResultState.Status switch
    {
        TestStatus.Passed => Verdicts.Passed,
        TestStatus.Skipped => Verdicts.Skipped,
        TestStatus.Inconclusive => Verdicts.Inconclusive,
        TestStatus.Warning => Verdicts.Passed,
        TestStatus.Failed when (result.Message ?? "").Contains(TargetErrorException.TargetErrorPrefix, StringComparison.Ordinal) => Verdicts.TargetError,
        _ => Verdicts.Failed,
    };

    /// <summary>One progress line per finished tenth of the run and one line per failure: readable in CI logs.</summary>
    private sealed class ProgressListener(TextWriter console, int total) : ITestListener
    {
        private readonly Lock gate = new();
        private int done;
        private int failed;
        private int lastTenth;

        public void TestStarted(ITest test)
        {
        }

        public void TestFinished(ITestResult result)
        {
            if (result.Test.IsSuite)
            {
                return;
            }

            lock (gate)
            {
                done++;
                var verdict = VerdictOf(result);
                if (verdict is Verdicts.Failed or Verdicts.TargetError)
                {
                    failed++;
                    var rules = string.Join(",", RulesOf(result.Test));
                    console.WriteLine($"  {verdict.ToUpperInvariant()} [{rules}] {result.Test.Name}");
                }

                var tenth = total == 0 ? 10 : done * 10 / total;
                if (tenth > lastTenth)
                {
                    lastTenth = tenth;
                    console.WriteLine($"  progress: {done}/{total} checks, {failed} failing");
                }
            }
        }

        public void TestOutput(TestOutput output)
        {
        }

        public void SendMessage(TestMessage message)
        {
        }
    }
}
