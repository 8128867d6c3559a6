using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.SelfTests.Reporting;

/// <summary>The runner's report options end to end: --replay, --waivers, --secret-env, and plain console output.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class RunnerReportingTests
{
    private const string Fault = "assignees-append";
    private const string Rule = "ASSIGNEES-REPLACE";
    private const string FailingTest = "Put_and_patch_replace_the_whole_set_and_the_same_set_twice_changes_nothing";

    [Test]
    public async Task Replaying_a_failing_test_reruns_it_with_the_recorded_seed_and_faults_and_lists_old_and_new_exchanges()
    {
        var recorded = TempDirectory.Create("replay-recorded");
        var replayed = TempDirectory.Create("replay-replayed");
        var run = await ChildProcess.RunRunnerAsync("--reference-fault", Fault, "--rule", Rule, "--out", recorded, "--seed", "31337");
        run.ExitCode.Should().Be(1, "{0}", run);

        var replay = await ChildProcess.RunRunnerAsync("--replay", Path.Combine(recorded, "exchanges.ndjson"), "--test", FailingTest, "--out", replayed);

        replay.ExitCode.Should().Be(1, "the fault is on again, so the test fails again: {0}", replay);
        replay.StandardOutput.Should().Contain("seed 31337").And.Contain($"with faults: {Fault}");
        replay.StandardOutput.Should().Contain($"Replay of AnomaliesConformance.Suite.Scenarios.AssigneeTests.{FailingTest}");
        replay.StandardOutput.Should().MatchRegex(@"\n\*?\s+\d+\s+act member-author PUT /api/anomalies/\d+\s+200\s+act member-author PUT /api/anomalies/\d+\s+200");
        replay.StandardOutput.Should().Contain("was failed, now failed: Expected");
        ResultsFile.Load(replayed).Document["tests"]!.AsArray().Should().ContainSingle("only the replayed test runs");
        (run.StandardOutput + replay.StandardOutput).Should().NotContain("\u001b", "output that is not a terminal carries no control sequences");
    }

    [Test]
    public async Task Replay_without_a_test_when_several_failed_exits_2_and_lists_them()
    {
        var recorded = TempDirectory.Create("replay-ambiguous");
        // Two faults, two rules: two failed tests to choose from.
        await ChildProcess.RunRunnerAsync("--reference-fault", Fault + ",description-truncated-255", "--rule", Rule + ",UPDATE-DESCRIPTION", "--out", recorded, "--seed", "5");

        var replay = await ChildProcess.RunRunnerAsync("--replay", recorded, "--out", TempDirectory.Create("replay-none"));

        replay.ExitCode.Should().Be(2, "{0}", replay);
        replay.StandardError.Should().Contain("choose one with --test").And.Contain(FailingTest);
    }

    [Test]
    public async Task A_waiver_file_turns_the_failing_rule_into_waived_and_a_waiver_on_a_passing_rule_is_reported_stale()
    {
        var output = TempDirectory.Create("waived-run");
        var waivers = Path.Combine(output, "waivers.yaml");
        await File.WriteAllTextAsync(waivers, $"""
            waivers:
              - id: W-ASSIGNEES
                rule: {Rule}
                reason: "vendor ticket ANOM-123: append is fixed in 4.2"
                owner: release-team@example.com
                expires: 2099-12-31
              - id: W-TAGS
                rule: TAGS-REPLACE
                reason: "was broken in 4.0"
                owner: release-team@example.com
                expires: 2099-12-31
            """);

        var run = await ChildProcess.RunRunnerAsync("--reference-fault", Fault, "--rule", $"{Rule},TAGS-REPLACE", "--waivers", waivers, "--out", output, "--seed", "77");

        run.ExitCode.Should().Be(0, "the only failing MUST rule is waived: {0}", run);
        var results = ResultsFile.Load(output);
        results.Rule(Rule)["verdict"]!.GetValue<string>().Should().Be("waived");
        results.Rule("TAGS-REPLACE")["verdict"]!.GetValue<string>().Should().Be("passed");
        run.StandardOutput.Should().Contain("STALE WAIVER W-TAGS (TAGS-REPLACE): rule TAGS-REPLACE passes now");
        File.ReadAllText(Path.Combine(output, "index.html")).Should().Contain("<tr class=\"stale\"><td><code>W-TAGS</code>");
    }

    [Test]
    public async Task A_waiver_naming_an_unknown_rule_exits_2_and_names_the_waiver()
    {
        var output = TempDirectory.Create("bad-waiver");
        var waivers = Path.Combine(output, "waivers.yaml");
        await File.WriteAllTextAsync(waivers, "waivers: [{id: W-9, rule: NO-SUCH-RULE, reason: r, owner: o, expires: 2099-01-01}]");

        var run = await ChildProcess.RunRunnerAsync("--waivers", waivers, "--out", output);

        run.ExitCode.Should().Be(2, "{0}", run);
        run.StandardError.Should().Contain("--waivers").And.Contain("W-9").And.Contain("NO-SUCH-RULE");
    }

    [Test]
    public async Task Server_coverage_measures_the_reference_server_code_the_run_exercised_and_links_the_page()
    {
        var output = TempDirectory.Create("server-coverage");

        var run = await ChildProcess.RunRunnerAsync("--server-coverage", "--rule", Rule, "--out", output, "--seed", "8");

        run.ExitCode.Should().Be(0, "{0}", run);
        run.StandardOutput.Should().MatchRegex(@"Server code coverage: Line coverage: \d+(\.\d+)?%");
        var cobertura = System.Xml.Linq.XDocument.Load(Path.Combine(output, "server-coverage", "coverage.cobertura.xml"));
        var lineRate = double.Parse((string)cobertura.Root!.Attribute("line-rate")!, System.Globalization.CultureInfo.InvariantCulture);
        lineRate.Should().BeInRange(0.05, 0.95, "a run of one rule's tests exercises some of the server, not none and not all");
        cobertura.Descendants("class").Should().Contain(c => ((string)c.Attribute("name")!).StartsWith("AnomaliesConformance.ReferenceServer", StringComparison.Ordinal));
        File.Exists(Path.Combine(output, "server-coverage", "index.html")).Should().BeTrue();
        File.ReadAllText(Path.Combine(output, "index.html")).Should().Contain("<a href=\"server-coverage/index.html\">");
    }

    [Test]
    public async Task Server_coverage_with_another_target_exits_2_and_names_the_option()
    {
        var run = await ChildProcess.RunRunnerAsync("--server-coverage", "--target", "http://127.0.0.1:9", "--provisioning-key", "k", "--out", TempDirectory.Create("coverage-target"));

        run.ExitCode.Should().Be(2, "{0}", run);
        run.StandardError.Should().Contain("--server-coverage");
    }

    [Test]
    public async Task Without_out_a_run_keeps_its_timestamped_folder_and_points_the_relative_latest_link_at_it()
    {
        var run = await ChildProcess.RunRunnerAsync("--rule", Rule, "--seed", "12");

        run.ExitCode.Should().Be(0, "{0}", run);
        var latest = new DirectoryInfo(Path.Combine(Repository.Root, "reports", "latest"));
        latest.LinkTarget.Should().MatchRegex(@"^\d{8}-\d{6}-\d{3}$", "the link is relative, to a timestamped folder beside it");
        run.StandardOutput.Should().Contain($"Report: {latest.FullName}/index.html");
        File.Exists(Path.Combine(Repository.Root, "reports", latest.LinkTarget!, "summary.md")).Should().BeTrue();
    }

    [Test]
    public async Task A_secret_env_naming_an_unset_variable_exits_2()
    {
        var run = await ChildProcess.RunRunnerAsync("--secret-env", "SELFTEST_SURELY_UNSET_VARIABLE", "--out", TempDirectory.Create("secret-env"));

        run.ExitCode.Should().Be(2, "{0}", run);
        run.StandardError.Should().Contain("--secret-env").And.Contain("SELFTEST_SURELY_UNSET_VARIABLE");
    }
}
