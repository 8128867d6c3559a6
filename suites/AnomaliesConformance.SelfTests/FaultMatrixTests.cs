using System.Text.Json.Nodes;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.SelfTests;

/// <summary>
/// With each named fault on, exactly the rule that fault breaks is reported failed, so every check could
/// have failed. The faults are proven by one fault-matrix run (<c>--fault-matrix</c>): one reference server
/// takes the fault per request, and each fault reruns only its rule's checks and the checks that reached
/// its code in the clean pass. A fault that cannot be chosen per request (its code runs at the server's
/// start or in the run's setup) gets a full run of its own, as every fault does with
/// <c>CONFORMANCE_EXHAUSTIVE_FAULTS=1</c> (the exhaustive matrix, opt-in: about 15 minutes).
/// </summary>
[Parallelizable(ParallelScope.Children)]
public sealed class FaultMatrixTests
{
    private const string ExhaustiveVariable = "CONFORMANCE_EXHAUSTIVE_FAULTS";

    private static bool Exhaustive => Environment.GetEnvironmentVariable(ExhaustiveVariable) == "1";

    private Dictionary<string, JsonObject> matrix = [];
    private string matrixRun = "";

    public static IEnumerable<TestCaseData> Faults() => FaultList.Load()
        .Select(f => new TestCaseData(f.Name, f.Rule).SetName($"With fault {f.Name} only rule {f.Rule} fails"));

    [OneTimeSetUp]
    public async Task RunTheMatrixOnce()
    {
        if (Exhaustive)
        {
            return;
        }

        var output = TempDirectory.Create("fault-matrix");
        // About two minutes alone; the self-tests that run beside it on two cores can triple that.
        var run = await ChildProcess.RunRunnerAsync(["--fault-matrix", "--out", output, "--seed", "4242", .. ConformanceRunTests.ReferenceExpectations], TimeSpan.FromMinutes(25));
        run.ExitCode.Should().Be(0, "the matrix's own pass is a clean run: {0}", run);
        matrixRun = run.ToString();
        var document = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "fault-matrix.json")))!.AsObject();
        matrix = document["faults"]!.AsArray().Select(f => f!.AsObject()).ToDictionary(f => f["name"]!.GetValue<string>());
        matrix.Keys.Should().BeEquivalentTo(FaultList.Load().Select(f => f.Name), "the matrix proves every fault the server declares");
    }

    [TestCaseSource(nameof(Faults))]
    public async Task Each_fault_makes_exactly_its_rule_fail(string fault, string rule)
    {
        if (matrix.TryGetValue(fault, out var entry) && entry["mode"]!.GetValue<string>() == "shared-server")
        {
            var failed = entry["failed_rules"]!.AsArray().Select(r => r!.GetValue<string>());
            var inconclusive = entry["inconclusive_rules"]!.AsArray().Select(r => (Id: r!["id"]!.GetValue<string>(), Note: r["note"]?.GetValue<string>() ?? "")).ToList();
            Judge(fault, rule, failed, inconclusive, entry.ToJsonString());
            entry["level"]!.GetValue<string>().Should().Be(Level(rule));
            entry["conformant"]!.GetValue<bool>().Should().Be(Level(rule) != "MUST", "a failed MUST rule makes a run not conformant, a failed SHOULD rule does not");
            return;
        }

        // The fault's code runs where no single request can choose it: a full run with the fault on the server.
        var output = TempDirectory.Create("fault-" + fault);
        var run = await ChildProcess.RunRunnerAsync(["--reference-fault", fault, "--out", output, "--seed", "4242", .. ConformanceRunTests.ReferenceExpectations]);

        var results = ResultsFile.Load(output);
        Judge(fault, rule, results.FailedRules(), results.InconclusiveRules().ToList(), run.ToString());
        run.ExitCode.Should().Be(Level(rule) == "MUST" ? 1 : 0, "a failed MUST rule makes the run exit 1, a failed SHOULD rule does not");
        run.StandardOutput.Should().Contain(rule, "the console names the broken rule");
        results.Document["reference_faults"]!.AsArray().Select(f => f!.GetValue<string>()).Should().Equal([fault]);
    }

    /// <summary>
    /// The matrix's shortcut holds: a fault judged from its gated checks gets the verdicts a full run with the
    /// fault on the server gives. Three faults of different reach: a MUST rule whose failure blocks another
    /// (tags-append), an error shape every refusal reaches (errors-plain-text), and a code path most checks
    /// reach (hard-deleted-answers-410).
    /// </summary>
    [TestCase("tags-append")]
    [TestCase("errors-plain-text")]
    [TestCase("hard-deleted-answers-410")]
    public async Task The_matrix_judges_a_fault_as_a_full_run_with_that_fault_does(string fault)
    {
        if (Exhaustive)
        {
            Assert.Ignore($"{ExhaustiveVariable}=1 runs every fault fully");
        }

        var output = TempDirectory.Create("full-" + fault);
        var run = await ChildProcess.RunRunnerAsync(["--reference-fault", fault, "--out", output, "--seed", "4242", .. ConformanceRunTests.ReferenceExpectations]);
        var full = ResultsFile.Load(output);
        var entry = matrix[fault];

        entry["failed_rules"]!.AsArray().Select(r => r!.GetValue<string>()).Should().BeEquivalentTo(full.FailedRules(), "{0}", run);
        entry["inconclusive_rules"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).Should().BeEquivalentTo(full.InconclusiveRules().Select(r => r.Id), "{0}", run);
    }

    /// <summary>
    /// The fault's rule fails (or, for a fault that answers 5xx, cannot be judged: a target error is never a
    /// pass); a check that leans on the broken rule may end not judged, naming that rule; never a target error.
    /// </summary>
    private static void Judge(string fault, string rule, IEnumerable<string> failed, IReadOnlyList<(string Id, string Note)> inconclusive, string evidence)
    {
        failed.Concat(inconclusive.Where(r => r.Id == rule).Select(r => r.Id))
            .Should().Equal([rule], "fault {0} breaks rule {1} and nothing else: {2}", fault, rule, evidence);
        inconclusive.Where(r => r.Id != rule && !r.Note.StartsWith("not judged:", StringComparison.Ordinal))
            .Should().BeEmpty("fault {0} leaves other rules judged or blocked by a named rule: {1}", fault, evidence);
    }

    private static string Level(string rule) =>
        AnomaliesConformance.Core.Catalogue.RuleCatalogue.Load(Repository.Specs("rules.yaml")).Find(rule)!.Level;
}
