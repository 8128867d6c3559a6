using System.Reflection;
using System.Security;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Reporting;
using NUnit.Framework.Api;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace AnomaliesConformance.Core.Running;

/// <summary>
/// Runs the suite's NUnit tests in this process through NUnit's own framework API (what NUnitLite wraps),
/// in parallel, and turns each result into a <see cref="TestOutcome"/> with its recorded exchanges.
/// </summary>
public sealed class EmbeddedTestRunner(ExchangeRecorder recorder, ConsoleProgress progress)
{
    public IReadOnlyList<TestOutcome> Run(Assembly suite, IReadOnlyList<string> ruleFilter, IReadOnlyList<string> testFilter, int workers, int seed)
    {
        var runner = new NUnitTestAssemblyRunner(new DefaultTestAssemblyBuilder());
        runner.Load(suite, new Dictionary<string, object>
        {
            [NUnit.FrameworkPackageSettings.NumberOfTestWorkers] = workers,
            [NUnit.FrameworkPackageSettings.RandomSeed] = seed,
            [NUnit.FrameworkPackageSettings.SynchronousEvents] = false,
        });
        var filter = Filter(ruleFilter, testFilter);
        progress.Begin(runner.CountTestCases(filter));
        var result = runner.Run(new ProgressListener(progress), filter);
        progress.End();

        var outcomes = new List<TestOutcome>();
        Collect(result, outcomes);
        return outcomes;
    }

    /// <summary>Tests of any of the rules (NUnit categories) and, when given, with one of these full names or names.</summary>
    private static TestFilter Filter(IReadOnlyList<string> ruleFilter, IReadOnlyList<string> testFilter)
    {
        var parts = new List<string>();
        if (ruleFilter.Count > 0)
        {
            parts.Add("<or>" + string.Concat(ruleFilter.Select(r => $"<cat>{SecurityElement.Escape(r)}</cat>")) + "</or>");
        }

        if (testFilter.Count > 0)
        {
            parts.Add("<or>" + string.Concat(testFilter.Select(t => $"<test>{SecurityElement.Escape(t)}</test><name>{SecurityElement.Escape(t)}</name>")) + "</or>");
        }

        return parts.Count == 0 ? TestFilter.Empty : TestFilter.FromXml("<filter><and>" + string.Concat(parts) + "</and></filter>");
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

    /// <summary>Feeds NUnit's events to the console progress.</summary>
    private sealed class ProgressListener(ConsoleProgress progress) : ITestListener
    {
        public void TestStarted(ITest test)
        {
            if (!test.IsSuite)
            {
                progress.TestStarted(RulesOf(test));
            }
        }

        public void TestFinished(ITestResult result)
        {
            if (!result.Test.IsSuite)
            {
                progress.TestFinished(VerdictOf(result), RulesOf(result.Test), result.Test.Name);
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
