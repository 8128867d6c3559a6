using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.SelfTests;

/// <summary>
/// The whole suite through a flaky network in front of the faithful reference server: 2% of requests are
/// reset (half before the target sees them, half after it carried them out) and some answers are held past
/// the timeout. Every verdict must still mean what it says: no crash, not one "failed" (the target is
/// faithful, so any failure would be the network's), the target left as it was (or the sweep named), and
/// nearly every rule judged, because lost reads are asked again and checks whose answers were lost run
/// again from scratch.
/// </summary>
public sealed class ChaosTests
{
    private const string Key = "selftest-chaos-key-51c2";

    [Test]
    public async Task Through_a_flaky_network_no_verdict_is_false_and_nearly_every_rule_is_judged()
    {
        await using var upstream = await ReferenceServerProcess.StartAsync(Repository.ReferenceServerDll, Key, [], TimeSpan.FromSeconds(60));
        var network = new Chaos(Seed: 20261202, ResetRate: 0.02, HoldRate: 0.005, Hold: TimeSpan.FromSeconds(9), Spare: 3);
        await using var proxy = await MisbehavingProxy.StartAsync(upstream.Url, network);
        var output = TempDirectory.Create("chaos");

        var run = await ChildProcess.RunAsync(
            "dotnet",
            [Repository.RunnerDll, "--target", proxy.Url.ToString(), "--provisioning-key", Key, "--timeout", "8", "--seed", "4242", .. ConformanceRunTests.ReferenceExpectations, "--out", output],
            TimeSpan.FromMinutes(8));

        var (resets, holds) = proxy.Disturbed;
        TestContext.Out.WriteLine($"chaos: {resets} resets, {holds} held answers over {proxy.Received.Count} requests; exit {run.ExitCode}");
        resets.Should().BePositive("the network must have been flaky for the run to show anything");
        run.ExitCode.Should().BeOneOf([0, 1, 3], "a flaky network ends in a documented exit code: {0}", run);
        (run.StandardOutput + run.StandardError).Should().NotContain("Unhandled exception", "nothing crashes");
        var results = ResultsFile.Load(output);
        results.Document["tests"]!.AsArray().Where(t => t!["verdict"]!.GetValue<string>() == "failed")
            .Select(t => $"{t!["id"]}: {t["message"]}")
            .Should().BeEmpty("the target is faithful: a failure could only be the network's, a false verdict");
        var cleanedUp = results.Document["cleanup"] is JsonObject cleanup && cleanup["verified"]!.GetValue<bool>();
        (cleanedUp || run.StandardOutput.Contains("--sweep", StringComparison.Ordinal)).Should().BeTrue("the target is left as it was, or the sweep that finishes the job is named: {0}", run);
        var rules = results.Document["rules"]!.AsArray().Select(r => r!["verdict"]!.GetValue<string>()).Where(v => v != "skipped").ToList();
        var judged = rules.Count(v => v is "passed" or "failed");
        TestContext.Out.WriteLine($"judged {judged} of {rules.Count} rules; not judged: {string.Join(" | ", results.InconclusiveRules().Select(r => $"{r.Id}: {r.Note.Split((char)10)[0]}"))}");
        var unjudged = results.InconclusiveRules().Select(r => $"{r.Id}: {r.Note.Split('\n')[0]}");
        ((double)judged / rules.Count).Should().BeGreaterThanOrEqualTo(0.95, "{0} of {1} rules judged through the flaky network; not judged: {2}; {3}", judged, rules.Count, string.Join(" | ", unjudged), run);
    }
}
