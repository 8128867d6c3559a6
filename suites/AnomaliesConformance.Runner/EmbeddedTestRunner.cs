using System.Reflection;
using System.Security;
using AnomaliesConformance.Core.Http;
using NUnit.Framework.Api;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;
using AnomaliesConformance.Runner.Reporting;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core;

namespace AnomaliesConformance.Runner;

/// <summary>
/// Runs the suite's NUnit tests in this process through NUnit's own framework API (what NUnitLite wraps),
/// in parallel, and turns each result into a <see cref="TestOutcome"/> with its recorded exchanges.
/// </summary>
public sealed class EmbeddedTestRunner(ExchangeRecorder recorder, ConsoleProgress progress)
{
    /// <summary>Run only this shard of the selection (--shard i/n); null runs it all.</summary>
    public Shard? Shard { get; init; }

    /// <summary>The split of the last selection run under <see cref="Shard"/>, or null.</summary>
    public ShardPlan? ShardPlan { get; private set; }

    /// <param name="readOnly">Run only checks whose effect is read; the selected others are reported skipped, not run.</param>
    /// <param name="onlyTests">When given, only the tests with these full names run (the fault matrix's selection).</param>
    /// <param name="admit">When given, only the selected tests it admits run (a phase of a run); the others are not reported.</param>
    public IReadOnlyList<TestOutcome> Run(Assembly suite, IReadOnlyList<string> ruleFilter, IReadOnlyList<string> testFilter, int workers, int seed, bool readOnly = false, IReadOnlySet<string>? onlyTests = null, Func<ITest, bool>? admit = null)
    {
        var runner = new NUnitTestAssemblyRunner(new DefaultTestAssemblyBuilder());
        runner.Load(suite, new Dictionary<string, object>
        {
            [NUnit.FrameworkPackageSettings.NumberOfTestWorkers] = workers,
            [NUnit.FrameworkPackageSettings.RandomSeed] = seed,
            [NUnit.FrameworkPackageSettings.SynchronousEvents] = false,
        });
        var filter = onlyTests is null ? Filter(ruleFilter, testFilter) : new FullNameSetFilter(onlyTests);
        if (Shard is { } shard && onlyTests is null)
        {
            var plan = ShardPlan = ShardPlan.Of(Leaves(runner.LoadedTest!).Where(t => filter.Pass(t)), shard);
            filter = new AdmittedFilter(filter, t => plan.Admits(t.FullName));
        }

        var outcomes = new List<TestOutcome>();
        if (readOnly)
        {
            // Writes are listed, not silently dropped: the report shows what a full run would also check.
            outcomes.AddRange(Leaves(runner.LoadedTest!).Where(t => filter.Pass(t) && Effects.Of(t) != Effects.Name(CheckEffect.Read)).Select(NotRunInReadOnly));
            filter = new ReadEffectFilter(filter);
        }

        if (admit is not null)
        {
            filter = new AdmittedFilter(filter, admit);
        }

        progress.Begin(runner.CountTestCases(filter));
        var result = runner.Run(new ProgressListener(progress, recorder), filter);
        progress.End();

        Collect(result, outcomes);
        return outcomes;
    }

    private static IEnumerable<ITest> Leaves(ITest test) =>
        test.HasChildren ? test.Tests.SelectMany(Leaves) : test.IsSuite ? [] : [test];

    private static TestOutcome NotRunInReadOnly(ITest test) => new()
    {
        Id = test.FullName,
        Name = test.Name,
        Fixture = test.ClassName ?? test.FullName,
        Rules = RulesOf(test),
        Effect = Effects.Of(test),
        Verdict = Verdicts.Skipped,
        Message = $"not run: a {Effects.Of(test) ?? "undeclared"} check, and this run is --read-only",
        DurationSeconds = 0,
    };

    /// <summary>
    /// Passes the test cases the selection passes whose declared effect is read; suites pass through their
    /// descendants (an effect on a fixture must not let its write checks through).
    /// </summary>
    private sealed class ReadEffectFilter(TestFilter selection) : TestFilter
    {
        public override bool Match(ITest test) => !test.IsSuite && selection.Pass(test) && Effects.Of(test) == Effects.Name(CheckEffect.Read);

        public override TNode AddToXml(TNode parentNode, bool recursive)
        {
            var node = parentNode.AddElement("prop", Effects.Name(CheckEffect.Read));
            node.AddAttribute("name", Effects.PropertyName);
            return node;
        }
    }

    /// <summary>The test cases the selection passes and a phase admits.</summary>
    private sealed class AdmittedFilter(TestFilter selection, Func<ITest, bool> admit) : TestFilter
    {
        public override bool Match(ITest test) => !test.IsSuite && selection.Pass(test) && admit(test);

        public override TNode AddToXml(TNode parentNode, bool recursive) => parentNode.AddElement("and");
    }

    /// <summary>The test cases with these full names (a set: NUnit's own name filter compares one name at a time).</summary>
    private sealed class FullNameSetFilter(IReadOnlySet<string> fullNames) : TestFilter
    {
        public override bool Match(ITest test) => !test.IsSuite && fullNames.Contains(test.FullName);

        public override TNode AddToXml(TNode parentNode, bool recursive) => parentNode.AddElement("or");
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
        var exchanges = recorder.ForTest(result.Test.FullName);
        var (verdict, message) = Judge(result, exchanges);
        return new TestOutcome
        {
            Id = result.Test.FullName,
            Name = result.Test.Name,
            Fixture = result.Test.ClassName ?? result.Test.FullName,
            Rules = RulesOf(result.Test),
            Effect = Effects.Of(result.Test),
            Verdict = verdict,
            Message = message,
            DurationSeconds = result.Duration,
            Exchanges = exchanges,
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
    public static List<string> RulesOf(ITest test) => RuleAttribute.RulesOf(test);

    public static string VerdictOf(ITestResult result) => result.ResultState.Status switch
    {
        TestStatus.Passed => Verdicts.Passed,
        TestStatus.Skipped => Verdicts.Skipped,
        TestStatus.Inconclusive => Verdicts.Inconclusive,
        TestStatus.Warning => Verdicts.Passed,
        TestStatus.Failed when (result.Message ?? "").Contains(TargetErrorException.TargetErrorPrefix, StringComparison.Ordinal) => Verdicts.TargetError,
        _ => Verdicts.Failed,
    };

    /// <summary>
    /// The verdict and message of a test, from NUnit's result and the exchanges the test made. A test that
    /// failed right at target trouble (its last exchange got no answer, a 5xx, or a 429) is a target error
    /// whatever assertion noticed it: the rule's behaviour was never shown. Retries are always named, so a
    /// pass that needed them is never silent.
    /// </summary>
    public static (string Verdict, string? Message) Judge(ITestResult result, IReadOnlyList<Exchange> exchanges)
    {
        var verdict = VerdictOf(result);
        var message = string.IsNullOrWhiteSpace(result.Message) ? null : result.Message.Trim();
        if (verdict == Verdicts.Failed && result.ResultState.Label == ResultState.Error.Label && result.StackTrace is { Length: > 0 } stack)
        {
            // An exception that is not an assertion is a defect of the check or the suite: where it was
            // thrown is what a reader needs (an assertion's own message already says what was expected).
            message += "\n" + string.Join('\n', stack.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).Take(12));
        }

        if (verdict == Verdicts.TargetError)
        {
            message = WithoutExceptionNames(message!);
        }
        if (verdict == Verdicts.Failed && exchanges.Count > 0 && TargetTrouble.Of(exchanges[^1]) is { } trouble)
        {
            var last = exchanges[^1];
            verdict = Verdicts.TargetError;
            message = $"{TargetErrorException.TargetErrorPrefix}{last.Method} {last.Url} as {last.Actor}: {trouble}; the check could not judge the rule."
                + $"\nThe check that stopped the test: {message}";
        }

        var retried = exchanges.Where(e => e.IsRetry).ToList();
        if (retried.Count > 0)
        {
            var refusals = exchanges.Where(e => TargetTrouble.Of(e) is not null && exchanges.Any(r => r.IsRetry && r.Url == e.Url && r.Attempt == e.Attempt + 1)).ToList();
            var note = $"{retried.Count} request(s) were sent again after the target refused them or their answer was lost: "
                + string.Join("; ", refusals.Take(5).Select(e => $"{(e.Status == 0 ? "no answer" : e.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))} to {e.Method} {e.Url}"))
                + (refusals.Count > 5 ? $"; and {refusals.Count - 5} more" : "");
            message = message is null ? $"passed after retries. {note}" : $"{message}\n{note}";
        }

        return (verdict, message);
    }

    /// <summary>
    /// NUnit words an exception as "Type : message" followed by "  ----> InnerType : ..." lines; a target
    /// error's message already says what went wrong, so a reader sees it without the .NET type names.
    /// </summary>
    private static string WithoutExceptionNames(string message)
    {
        var start = message.IndexOf(TargetErrorException.TargetErrorPrefix, StringComparison.Ordinal);
        var lines = message[Math.Max(start, 0)..].Split('\n').Where(line => !line.TrimStart().StartsWith("---->", StringComparison.Ordinal));
        return string.Join('\n', lines).Trim();
    }

    /// <summary>Feeds NUnit's events to the console progress.</summary>
    private sealed class ProgressListener(ConsoleProgress progress, ExchangeRecorder recorder) : ITestListener
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
                progress.TestFinished(Judge(result, recorder.ForTest(result.Test.FullName)).Verdict, RulesOf(result.Test), result.Test.Name);
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
