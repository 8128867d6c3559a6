using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NUnit.Framework;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.SelfTests.Reporting;

/// <summary>
/// Secrets never reach a report or the console, checked on a whole run rather than on made-up data.
/// The cast's tokens are minted by the target, so the test runs its own reference server with a database
/// file it can read: after the run (and a replay, which provisions again) it reads back every token the
/// server ever issued and looks for each, and for the provisioning key, in every file of both report
/// folders and in everything both processes printed.
/// </summary>
[Parallelizable(ParallelScope.Self)]
public sealed class SecretsInReportsTests
{
    private const string ProvisioningKey = "selftest-distinctive-provisioning-key-5d2a91c7";

    [Test]
    public async Task A_full_run_with_failures_and_a_replay_leave_no_token_or_key_in_any_report_file_or_on_the_console()
    {
        var workspace = TempDirectory.Create("secrets");
        var database = Path.Combine(workspace, "reference.db");
        // A fault makes failures, so the narratives with requests, responses and curl lines are written too.
        await using var server = await ReferenceServerProcess.StartAsync(Repository.ReferenceServerDll, ProvisioningKey, ["assignees-append"], TimeSpan.FromSeconds(60), database);
        var first = Path.Combine(workspace, "reports", "run");
        var replay = Path.Combine(workspace, "reports", "replay");

        // --keep-fixtures: the tokens must still be in the database afterwards for this test to look for them.
        var run = await ChildProcess.RunRunnerAsync("--target", server.Url.ToString(), "--provisioning-key", ProvisioningKey, "--out", first, "--seed", "99", "--keep-fixtures");
        run.ExitCode.Should().Be(1, "the fault breaks a MUST rule: {0}", run);
        var replayRun = await ChildProcess.RunRunnerAsync("--replay", first, "--test", "Put_and_patch_replace_the_whole_set_and_the_same_set_twice_changes_nothing", "--target", server.Url.ToString(), "--provisioning-key", ProvisioningKey, "--out", replay, "--keep-fixtures");
        replayRun.StandardOutput.Should().Contain("Replay of", "the replay ran: {0}", replayRun);

        var tokens = ReferenceDatabase.IssuedTokens(database);
        tokens.Should().HaveCountGreaterThanOrEqualTo(20, "both runs provisioned the ten-member cast");
        var secrets = tokens.Append(ProvisioningKey).ToList();
        var files = Directory.EnumerateFiles(Path.Combine(workspace, "reports"), "*", SearchOption.AllDirectories).ToList();
        files.Select(Path.GetFileName).Should().Contain(["index.html", "results.json", "junit.xml", "results.trx", "summary.md", "exchanges.ndjson"]);
        var texts = files.Select(f => (Name: f, Text: File.ReadAllText(f)))
            .Append((Name: "console of the run", Text: run.StandardOutput + run.StandardError))
            .Append((Name: "console of the replay", Text: replayRun.StandardOutput + replayRun.StandardError));

        var leaks = texts.SelectMany(t => secrets.Where(s => t.Text.Contains(s, StringComparison.Ordinal)).Select(s => $"{t.Name}: {s[..6]}…")).ToList();

        leaks.Should().BeEmpty("no token or key may reach a report or the console");
        File.ReadAllText(Path.Combine(first, "exchanges.ndjson")).Should().Contain("<token:member-author>", "tokens are replaced by a placeholder naming the role, not dropped");
    }
}
