using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.SelfTests;

/// <summary>
/// The fast loop of CONTRIBUTING.md: one rule's scenarios run from <c>dotnet test --filter</c> (or an IDE's test
/// explorer, which shows rule ids as categories) against the embedded reference server, and with the rule's
/// fault on (CONFORMANCE_REFERENCE_FAULT) the same scenario fails. No runner is involved: SuiteHost installs the run.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class SuiteUnderDotnetTestTests
{
    private const string Scenario = "Put_and_patch_with_tags_replace_the_whole_set";

    [Test]
    public async Task One_rules_scenario_runs_from_dotnet_test_against_the_reference_server()
    {
        var run = await DotnetTestAsync("TestCategory=TAGS-REPLACE", new Dictionary<string, string>());

        run.ExitCode.Should().Be(0, "the reference server keeps the rule: {0}", run);
        run.StandardOutput.Should().MatchRegex(@"Passed:\s+1\b", "the rule's one scenario ran: {0}", run);
    }

    [Test]
    public async Task With_the_rules_fault_on_the_same_scenario_fails_under_dotnet_test()
    {
        var run = await DotnetTestAsync("TestCategory=TAGS-REPLACE", new Dictionary<string, string> { ["CONFORMANCE_REFERENCE_FAULT"] = "tags-append" });

        run.ExitCode.Should().NotBe(0, "{0}", run);
        run.StandardOutput.Should().Contain(Scenario).And.Contain("tags replaces the current set", "the failure is the rule's own assertion: {0}", run);
    }

    private static Task<ChildProcessResult> DotnetTestAsync(string filter, Dictionary<string, string> environment) =>
        ChildProcess.RunAsync("dotnet", ["test", RepositoryLayout.BuiltDll("AnomaliesConformance.Suite"), "--filter", filter], TimeSpan.FromMinutes(3), environment);
}
