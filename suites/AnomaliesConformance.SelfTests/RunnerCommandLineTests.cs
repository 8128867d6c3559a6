using System.Text.Json.Nodes;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.SelfTests;

/// <summary>The runner's documented exit codes: 2 for the caller's mistakes (naming them), 3 for an unreachable target.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class RunnerCommandLineTests
{
    [Test]
    public async Task An_unknown_option_exits_2_and_names_it()
    {
        var run = await ChildProcess.RunRunnerAsync("--no-such-option");

        run.ExitCode.Should().Be(2, "{0}", run);
        run.StandardError.Should().Contain("--no-such-option");
    }

    [Test]
    public async Task An_unknown_reference_fault_exits_2_and_names_it()
    {
        var run = await ChildProcess.RunRunnerAsync("--reference-fault", "no-such-fault", "--out", TempDirectory.Create("bad-fault"));

        run.ExitCode.Should().Be(2, "{0}", run);
        run.StandardError.Should().Contain("no-such-fault");
    }

    [Test]
    public async Task A_target_that_refuses_the_connection_exits_3_at_once_and_names_the_url()
    {
        // Port 9 (discard) on loopback has no listener here: the connection is refused at once. With the
        // default 30 s timeout the run must not wait for it: a refused connection ends the run at once.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var run = await ChildProcess.RunRunnerAsync("--target", "http://127.0.0.1:9", "--provisioning-key", "k", "--out", TempDirectory.Create("unreachable"));

        run.ExitCode.Should().Be(3, "{0}", run);
        run.StandardError.Should().Contain("http://127.0.0.1:9").And.Contain("refused");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "the runner stops at the first refusal (its own start-up is most of this)");
    }

    [Test]
    public async Task A_rate_limit_holds_the_whole_run_to_that_many_requests_per_second()
    {
        var output = TempDirectory.Create("rate-limit");

        var run = await ChildProcess.RunRunnerAsync("--rate-limit", "10", "--rule", "GET-BY-ID,GET-BY-UUID,COMMENTS-NEWEST-FIRST,HISTORY-RECORDS-CHANGES,PERM-WRITE-AUTHOR", "--out", output);

        run.ExitCode.Should().Be(0, "{0}", run);
        var starts = File.ReadLines(Path.Combine(output, "exchanges.ndjson"))
            .Select(line => JsonNode.Parse(line)!["startedAt"]!.GetValue<DateTimeOffset>())
            .Order()
            .ToList();
        starts.Should().HaveCountGreaterThan(25, "the run must send enough requests for the limit to show");
        // Any 11 consecutive requests span about a second. The token bucket's timer slips under load (894 ms was
        // seen on a busy machine), so the bound leaves 25 % for jitter; without the limit they span milliseconds.
        var tightest = starts.Zip(starts.Skip(10), (first, eleventh) => eleventh - first).Min();
        tightest.Should().BeGreaterThan(TimeSpan.FromSeconds(0.75), "at most 10 requests start in any second");
        ResultsFile.Load(output).Document["request_policy"]!["rate_limit_per_second"]!.GetValue<int>().Should().Be(10);
    }

    [TestCase("missing", null, "does not exist")]
    [TestCase("empty", "", "is empty")]
    [TestCase("invalid", "openapi: 3.0.3\ninfo: {title: broken, version: '1'}\npaths:\n  /x:\n    get: [unclosed\n", "has errors")]
    [TestCase("no-operations", "openapi: 3.0.3\ninfo: {title: empty, version: '1'}\npaths: {}\n", "describes no paths")]
    public async Task A_missing_empty_or_invalid_spec_exits_2_with_the_readers_diagnostics_before_any_test(string label, string? content, string diagnostic)
    {
        var spec = Path.Combine(TempDirectory.Create("spec-" + label), "spec.yaml");
        if (content is not null)
        {
            await File.WriteAllTextAsync(spec, content);
        }

        var output = TempDirectory.Create("spec-out-" + label);
        var run = await ChildProcess.RunRunnerAsync("--spec", spec, "--out", output);

        run.ExitCode.Should().Be(2, "{0}", run);
        run.StandardError.Should().Contain(spec).And.Contain(diagnostic);
        File.Exists(Path.Combine(output, "results.json")).Should().BeFalse("no test runs against a document that cannot be read");
    }

    [Test]
    public async Task List_faults_prints_one_name_and_rule_per_line()
    {
        var run = await ChildProcess.RunRunnerAsync("--list-faults");

        run.ExitCode.Should().Be(0, "{0}", run);
        run.StandardOutput.Should().Contain("assignees-append ASSIGNEES-REPLACE");
    }
}
