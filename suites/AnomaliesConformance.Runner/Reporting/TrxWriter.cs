using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core;

namespace AnomaliesConformance.Runner.Reporting;

/// <summary>
/// Renders results.trx, the Visual Studio test results format Azure DevOps and other CI systems read.
/// The suite runs in-process through NUnit's framework API, not through `dotnet test`, so no TRX logger
/// sees it; this writes the subset of the 2010 TeamTest schema those readers use: run times, the result
/// summary with its counters, one UnitTest definition and one UnitTestResult per check (the rule id leading
/// its name, the failure narrative as the error message). Ids are derived from the test id, so two runs
/// of the same suite give the same test ids and can be compared.
/// </summary>
public static class TrxWriter
{
    private static readonly XNamespace Ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
    // Fixed ids the TRX format gives the unit test type and the default test list.
    private const string UnitTestType = "13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b";
    private const string ResultsNotInAList = "8c84fa94-04c1-424b-9868-57a2d4851a1d";
    private const string AllLoadedResults = "19431567-8539-422a-85d7-44ee4e166bda";

    public static string Render(RunReport report)
    {
        var finished = report.Started + report.Duration;
        var tests = report.Tests.Select(t => (Test: t, TestId: IdFor("test:" + t.Id), ExecutionId: IdFor($"execution:{report.Seed}:{report.Started:O}:{t.Id}"))).ToList();
        int Count(params string[] verdicts) => report.Tests.Count(t => verdicts.Contains(t.Verdict));
        var run = new XElement(
            Ns + "TestRun",
            new XAttribute("id", IdFor($"run:{report.Seed}:{report.Started:O}")),
            new XAttribute("name", $"Anomalies API conformance {report.Target} {report.Started:u}"),
            new XElement(Ns + "Times", new XAttribute("creation", Time(report.Started)), new XAttribute("queuing", Time(report.Started)), new XAttribute("start", Time(report.Started)), new XAttribute("finish", Time(finished))),
            new XElement(
                Ns + "ResultSummary",
                new XAttribute("outcome", report.Tests.Any(t => t.Verdict is Verdicts.Failed or Verdicts.TargetError) ? "Failed" : "Completed"),
                new XElement(
                    Ns + "Counters",
                    new XAttribute("total", report.Tests.Count),
                    new XAttribute("executed", report.Tests.Count - Count(Verdicts.Skipped, Verdicts.Waived)),
                    new XAttribute("passed", Count(Verdicts.Passed)),
                    new XAttribute("failed", Count(Verdicts.Failed)),
                    new XAttribute("error", Count(Verdicts.TargetError)),
                    new XAttribute("timeout", 0),
                    new XAttribute("aborted", 0),
                    new XAttribute("inconclusive", Count(Verdicts.Inconclusive)),
                    new XAttribute("passedButRunAborted", 0),
                    new XAttribute("notRunnable", 0),
                    new XAttribute("notExecuted", Count(Verdicts.Skipped, Verdicts.Waived)),
                    new XAttribute("disconnected", 0),
                    new XAttribute("warning", 0),
                    new XAttribute("completed", 0),
                    new XAttribute("inProgress", 0),
                    new XAttribute("pending", 0))),
            new XElement(Ns + "TestDefinitions", tests.Select(t => new XElement(
                Ns + "UnitTest",
                new XAttribute("name", CaseName(t.Test)),
                new XAttribute("storage", "anomaliesconformance.suite.dll"),
                new XAttribute("id", t.TestId),
                new XElement(Ns + "Execution", new XAttribute("id", t.ExecutionId)),
                new XElement(Ns + "TestMethod", new XAttribute("codeBase", "AnomaliesConformance.Suite.dll"), new XAttribute("adapterTypeName", "executor://anomalies-conformance/v1"), new XAttribute("className", t.Test.Fixture), new XAttribute("name", CaseName(t.Test)))))),
            new XElement(Ns + "TestEntries", tests.Select(t => new XElement(Ns + "TestEntry", new XAttribute("testId", t.TestId), new XAttribute("executionId", t.ExecutionId), new XAttribute("testListId", ResultsNotInAList)))),
            new XElement(
                Ns + "TestLists",
                new XElement(Ns + "TestList", new XAttribute("name", "Results Not in a List"), new XAttribute("id", ResultsNotInAList)),
                new XElement(Ns + "TestList", new XAttribute("name", "All Loaded Results"), new XAttribute("id", AllLoadedResults))),
            new XElement(Ns + "Results", tests.Select(t => Result(t.Test, t.TestId, t.ExecutionId, report))));
        return Xml.ToText(new XDocument(new XDeclaration("1.0", "utf-8", null), run));
    }

    public static string CaseName(TestOutcome test) => $"{string.Join(",", test.Rules)}: {test.Name}";

    private static XElement Result(TestOutcome test, Guid testId, Guid executionId, RunReport report)
    {
        var result = new XElement(
            Ns + "UnitTestResult",
            new XAttribute("executionId", executionId),
            new XAttribute("testId", testId),
            new XAttribute("testName", CaseName(test)),
            new XAttribute("computerName", "conformance-runner"),
            new XAttribute("duration", TimeSpan.FromSeconds(test.DurationSeconds).ToString("c", CultureInfo.InvariantCulture)),
            new XAttribute("startTime", Time(report.Started)),
            new XAttribute("endTime", Time(report.Started + report.Duration)),
            new XAttribute("testType", UnitTestType),
            new XAttribute("outcome", test.Verdict switch
            {
                Verdicts.Passed => "Passed",
                Verdicts.Failed or Verdicts.TargetError => "Failed",
                Verdicts.Inconclusive => "Inconclusive",
                _ => "NotExecuted",
            }),
            new XAttribute("testListId", ResultsNotInAList));
        var message = test.Verdict is Verdicts.Failed or Verdicts.TargetError
            ? FailureNarrative.For(test, report)
            : test.Verdict == Verdicts.Passed ? null : $"{test.Verdict}: {test.Message}";
        if (message is not null)
        {
            result.Add(new XElement(Ns + "Output", new XElement(Ns + "ErrorInfo", new XElement(Ns + "Message", message))));
        }

        return result;
    }

    private static string Time(DateTimeOffset time) => time.ToString("yyyy-MM-ddTHH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture);

    private static Guid IdFor(string text) => new(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));
}
