using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Runner;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.SelfTests;

/// <summary>
/// The run is an object, not a process: two runs share this process at the same time, each with its own
/// reference server, client, fixtures and verdicts, and neither sees the other's (a check that read the wrong
/// run would send the faulted server's answers to the clean run, or the other way round).
/// </summary>
public sealed class InProcessRunTests
{
    private static readonly string[] Rules = ["TAGS-REPLACE", "TAGS-CLEAR", "LIST-FILTER-TAG", "CONTRACT-RESPONSE-SCHEMA"];

    [Test]
    public async Task Two_runs_share_a_process_at_once_each_with_its_own_target_and_verdicts()
    {
        var faulted = Settings("in-process-faulted", ["tags-append"]);
        var clean = Settings("in-process-clean", []);
        var suite = typeof(AnomaliesConformance.Suite.Support.ConformanceTest).Assembly;

        var exits = await Task.WhenAll(
            Task.Run(() => ConformanceRunner.RunAsync(faulted, suite, TextWriter.Null)),
            Task.Run(() => ConformanceRunner.RunAsync(clean, suite, TextWriter.Null)));

        exits.Should().Equal([ConformanceRunner.ExitNotConformant, ConformanceRunner.ExitConformant], "the faulted run fails a MUST rule and the clean one does not");
        ResultsFile.Load(faulted.OutputDirectory).FailedRules().Should().Equal(["TAGS-REPLACE"], "only the faulted run's server appends tags");
        ResultsFile.Load(clean.OutputDirectory).FailedRules().Should().BeEmpty("the clean run never reached the faulted server");
        ResultsFile.Load(clean.OutputDirectory).Document["tests"]!.AsArray().Should().HaveCount(ResultsFile.Load(faulted.OutputDirectory).Document["tests"]!.AsArray().Count);
    }

    private static RunSettings Settings(string name, string[] faults) => new()
    {
        OutputDirectory = TempDirectory.Create(name),
        Seed = 4242,
        SpecsDirectory = Path.Combine(Repository.Root, "specs"),
        ReferenceServerDll = Repository.ReferenceServerDll,
        ReferenceFaults = faults,
        RuleFilter = Rules,
        Workers = 2,
    };
}
