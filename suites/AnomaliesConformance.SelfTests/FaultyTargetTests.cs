using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NJsonSchema;
using NUnit.Framework;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.SelfTests;

/// <summary>
/// The suite against a faulty target: a proxy in front of the reference server breaks the answers of one
/// endpoint in one way. Whatever the fault, the run finishes in bounded time with the documented exit code,
/// the checks that met the fault say "target error" with the exchange, the others still pass, the reports
/// are complete, and nothing crashes onto the console.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class FaultyTargetTests
{
    private const string Key = "selftest-faulty-target-key-3b9e";
    private const string CommentsPath = @"^/api/anomalies/\d+/comments";
    private static readonly TimeSpan RunBound = TimeSpan.FromSeconds(120);

    // The comment checks read the endpoint's body; the others never call it (or, for the hard delete, read
    // only the status of a 404 there), so they show that a fault stays with the checks that met it.
    private const string Rules =
        "COMMENTS-NEWEST-FIRST,COMMENTS-START-INCLUSIVE,COMMENTS-END-EXCLUSIVE,HARD-DELETE-REMOVES," +
        "GET-BY-ID,HISTORY-CHANGESET-BEFORE-AFTER,PERM-WRITE-AUTHOR,BULK-ATOMIC,BULK-ID-INT-OR-UUID";

    private ReferenceServerProcess upstream = null!;

    public static IEnumerable<TestCaseData> BrokenComments()
    {
        TestCaseData Case(Misbehaviour what, int status, string evidence, string why) =>
            new TestCaseData(what, status, evidence).SetName($"{what}: {why}");

        yield return Case(Misbehaviour.DropConnection, 0, "error occurred while sending the request", "a connection closed without an answer");
        yield return Case(Misbehaviour.ResetMidBody, 200, "broke off after", "a connection reset halfway through the body");
        yield return Case(Misbehaviour.NeverEnd, 200, "no complete answer within 3 s", "an answer that never ends times out");
        yield return Case(Misbehaviour.SlowDrip, 200, "no complete answer within 3 s", "a body dripping a byte at a time times out");
        yield return Case(Misbehaviour.ServerError, 500, "a server error", "a 500 answer");
        yield return Case(Misbehaviour.HtmlErrorPage, 502, "a server error", "a gateway's HTML error page");
        yield return Case(Misbehaviour.NotJson, 200, "not JSON", "a body that is not JSON");
        yield return Case(Misbehaviour.TruncatedJson, 200, "not JSON", "truncated JSON");
        yield return Case(Misbehaviour.WrongContentType, 200, "Content-Type text/html", "JSON labelled text/html");
        yield return Case(Misbehaviour.HugeBody, 200, $"more than {Core.Http.ApiClient.MaxBodyChars} characters", "an 11 MiB body");
    }

    [OneTimeSetUp]
    public async Task StartTheRealTarget() =>
        upstream = await ReferenceServerProcess.StartAsync(Repository.ReferenceServerDll, Key, [], TimeSpan.FromSeconds(60));

    [OneTimeTearDown]
    public async Task StopTheRealTarget() => await upstream.DisposeAsync();

    [TestCaseSource(nameof(BrokenComments))]
    public async Task A_broken_answer_is_a_target_error_of_the_checks_that_read_it_and_the_others_still_pass(Misbehaviour what, int status, string evidence)
    {
        await using var proxy = await MisbehavingProxy.StartAsync(upstream.Url, new MisbehaviourRule("GET", CommentsPath, what));

        // The endpoint is broken for good, so every retry and every second chance meets the fault again: one
        // retry shows the same verdict as three, in a third of the time (the retries have tests of their own).
        var run = await RunAgainstAsync(proxy, 1000 + (int)what, Rules, "--retries", "1");

        proxy.Misbehaved.Should().BePositive("the fault must have been hit for the run to show anything");
        run.Process.ExitCode.Should().Be(1, "target errors leave MUST rules unjudged, so the run is not conformant: {0}", run.Process);
        run.ShouldBeComplete();
        var commentChecks = run.Tests.Where(t => t.Id.Contains(".CommentTests.", StringComparison.Ordinal)).ToList();
        commentChecks.Should().HaveCount(3).And.OnlyContain(t => t.Verdict == "target-error", "every comment check reads the broken body: {0}", run.Process);
        foreach (var test in run.Tests.Where(t => t.Verdict == "target-error"))
        {
            var last = test.LastExchange ?? throw new AssertionException($"{test.Id} has no last_exchange");
            last["url"]!.GetValue<string>().Should().MatchRegex(@"/api/anomalies/\d+/comments", "{0} stopped at the broken exchange", test.Id);
            if (commentChecks.Contains(test))
            {
                // The comment reads answer 200 upstream; other checks (a 404 after a hard delete) keep theirs.
                last["status"]!.GetValue<int>().Should().Be(status, "the exchange records what the target answered ({0})", test.Id);
            }

            (test.Message + " " + last["transport_error"]).Should().Contain(evidence, "the verdict says what was wrong ({0})", test.Id);
        }

        run.TestsMeeting("GET", CommentsPath).Should().OnlyContain(t => t.Verdict == "target-error" || t.Verdict == "passed");
        run.TestsNotMeeting("GET", CommentsPath).Should().NotBeEmpty().And.OnlyContain(t => t.Verdict == "passed", "a fault stays with the checks that met it: {0}", run.Process);
        run.RuleVerdict("COMMENTS-NEWEST-FIRST").Should().Be("inconclusive", "a rule whose checks met only target errors is not judged");
    }

    /// <summary>
    /// A read whose answer was lost (the connection closed without one) is asked again with the backoff of a
    /// 429, and the check is judged on the answer that came: a network blip is neither a verdict nor a target
    /// error, and the retry is named.
    /// </summary>
    [Test]
    public async Task A_read_whose_answer_was_lost_is_asked_again_and_its_check_is_judged()
    {
        await using var proxy = await MisbehavingProxy.StartAsync(upstream.Url, new MisbehaviourRule("GET", CommentsPath, Misbehaviour.DropConnection, Times: 2));

        var run = await RunAgainstAsync(proxy, 2007);

        proxy.Misbehaved.Should().Be(2);
        run.Process.ExitCode.Should().Be(0, "every check was judged on a whole answer: {0}", run.Process);
        run.Tests.Should().OnlyContain(t => t.Verdict == "passed", "{0}", run.Process);
        run.Tests.Where(t => t.Retries > 0).Should().NotBeEmpty()
            .And.OnlyContain(t => t.Message!.Contains("their answer was lost") && t.Message.Contains("no answer to GET"), "the retry is named");
    }

    /// <summary>
    /// A write the target carried out whose answer was lost (a connection reset on the way back) is sent once:
    /// the HTTP stack must not send it again on a new connection and have the second answer (404, or 409
    /// "already archived") judged as the first. The check is never failed for it: it runs again from scratch
    /// with fixtures of its own, and says so.
    /// </summary>
    [TestCase(Misbehaviour.ForwardThenDrop, TestName = "A write whose answer was lost to a reset is sent once and its check runs again from scratch")]
    [TestCase(Misbehaviour.ForwardThenClose, TestName = "A write whose answer was lost to a closed connection is sent once and its check runs again from scratch")]
    public async Task A_write_whose_answer_was_lost_is_sent_once_and_its_check_runs_again_from_scratch(Misbehaviour loss)
    {
        await using var proxy = await MisbehavingProxy.StartAsync(upstream.Url, new MisbehaviourRule("DELETE", @"^/api/anomalies/\d+", loss, Times: 3));

        var run = await RunAgainstAsync(proxy, 2006, "ARCHIVE-BODY-OPTIONAL,HARD-DELETE-REMOVES,ARCHIVE-DELETE-NO-CONTENT,HARD-DELETE-ONLY-ARCHIVED,ARCHIVE-SETS-STATUS");

        proxy.ForwardedAndDropped.Should().Be(3, "the target carried out three deletes whose answers were lost: {0} {1}", string.Join("; ", proxy.Received.Where(r => r.StartsWith("DELETE", StringComparison.Ordinal))), run.Process);
        proxy.Received.Where(r => Regex.IsMatch(r, @"^DELETE /api/anomalies/\d+")).GroupBy(r => r).Where(g => g.Count() > 1).Select(g => g.Key)
            .Should().BeEmpty("no write is sent twice (each single DELETE here names its own anomaly): {0}", run.Process);
        run.ShouldBeComplete();
        run.Tests.Where(t => t.Verdict == "failed").Select(t => $"{t.Id}: {t.Message}").Should().BeEmpty("a lost answer is never judged as a behaviour: {0}", run.Process);
        // Each check that lost an answer ran again from scratch (the proxy drops only the first three), and says so.
        var ranAgain = run.Tests.Where(t => (t.Message ?? "").Contains("ran again after an answer was lost", StringComparison.Ordinal)).ToList();
        ranAgain.Should().NotBeEmpty("{0}", run.Process);
        ranAgain.Should().OnlyContain(t => t.Verdict == "passed", "the second attempt got whole answers: {0}", run.Process);
        run.Process.StandardOutput.Should().Contain("Ran again (1 of at most 2): ");
        var lost = run.Tests.SelectMany(t => run.Exchanges(t.Id)).Where(e => e["method"]!.GetValue<string>() == "DELETE" && e["transportError"] is not null).ToList();
        lost.Should().HaveCount(3, "each lost answer is one recorded attempt with its transport error: {0}", run.Process);
        if (loss == Misbehaviour.ForwardThenClose)
        {
            // The stack would have resent each of these; the guard stopped it and the record says so.
            lost.Should().OnlyContain(e => e["transportError"]!.GetValue<string>().Contains("not sent again"), "{0}", run.Process);
        }
    }

    [Test]
    public async Task A_429_storm_is_retried_three_times_per_GET_honouring_Retry_After_then_is_a_target_error_with_every_retry_reported()
    {
        await using var proxy = await MisbehavingProxy.StartAsync(upstream.Url, new MisbehaviourRule("GET", CommentsPath, Misbehaviour.TooManyRequests));

        var run = await RunAgainstAsync(proxy, 2001);

        run.Process.ExitCode.Should().Be(1, "{0}", run.Process);
        run.ShouldBeComplete();
        var commentChecks = run.Tests.Where(t => t.Id.Contains(".CommentTests.", StringComparison.Ordinal)).ToList();
        commentChecks.Should().HaveCount(3).And.OnlyContain(t => t.Verdict == "target-error" && t.Message!.Contains("429 (too many requests) to every retry"));
        foreach (var test in commentChecks)
        {
            test.Retries.Should().Be(3, "{0} asked again three times", test.Id);
            test.LastExchange!["status"]!.GetValue<int>().Should().Be(429);
            test.LastExchange!["attempt"]!.GetValue<int>().Should().Be(4);
            var attempts = run.Exchanges(test.Id).Where(e => Regex.IsMatch(e["url"]!.GetValue<string>(), @"/comments")).ToList();
            attempts.Select(e => e["status"]!.GetValue<int>()).Should().Equal([429, 429, 429, 429], "each attempt is its own exchange");
            var gaps = attempts.Zip(attempts.Skip(1), (a, b) => b["startedAt"]!.GetValue<DateTimeOffset>() - a["startedAt"]!.GetValue<DateTimeOffset>());
            gaps.Should().OnlyContain(g => g >= TimeSpan.FromSeconds(0.95), "Retry-After: 1 is honoured");
        }

        run.Results["retries"]!["total"]!.GetValue<int>().Should().BeGreaterThanOrEqualTo(9);
        proxy.Misbehaved.Should().Be(run.Tests.Sum(t => run.Exchanges(t.Id).Count(e => e["status"]!.GetValue<int>() == 429)));
    }

    [Test]
    public async Task A_pass_that_needed_retries_says_so_in_results_junit_and_html()
    {
        // Only the first two comment reads are refused (503 with Retry-After as an HTTP date): the retries
        // succeed, so the run is conformant, and the report says which tests needed them.
        await using var proxy = await MisbehavingProxy.StartAsync(upstream.Url, new MisbehaviourRule("GET", CommentsPath, Misbehaviour.ServiceUnavailable, Times: 2));

        var run = await RunAgainstAsync(proxy, 2002);

        run.Process.ExitCode.Should().Be(0, "every retry was answered properly: {0}", run.Process);
        run.ShouldBeComplete();
        run.Results["retries"]!["total"]!.GetValue<int>().Should().Be(2);
        var retried = run.Tests.Where(t => t.Retries > 0).ToList();
        retried.Should().NotBeEmpty().And.OnlyContain(t => t.Verdict == "passed" && t.Message!.Contains("passed after retries") && t.Message.Contains("503 to GET"));
        run.Results["rules"]!.AsArray().Where(r => r!["verdict"]!.GetValue<string>() == "passed" && r["note"] is not null)
            .Should().NotBeEmpty("the rule says its pass needed retries");
        File.ReadAllText(Path.Combine(run.Output, "junit.xml")).Should().Contain("passed after retries");
        File.ReadAllText(Path.Combine(run.Output, "index.html")).Should().Contain("2 request(s) sent again after a refusal");
        run.Process.StandardOutput.Should().Contain("retries: 2 request(s) sent again");
    }

    [Test]
    public async Task A_refused_PATCH_is_not_retried_and_is_a_target_error()
    {
        await using var proxy = await MisbehavingProxy.StartAsync(upstream.Url, new MisbehaviourRule("PATCH", "^/api/anomalies$", Misbehaviour.TooManyRequests));

        var run = await RunAgainstAsync(proxy, 2003);

        run.Process.ExitCode.Should().Be(1, "{0}", run.Process);
        run.ShouldBeComplete();
        var patching = run.TestsMeeting("PATCH", "^/api/anomalies$");
        patching.Should().NotBeEmpty().And.OnlyContain(t => t.Verdict == "target-error" && t.Retries == 0, "a PATCH changes state, so a refusal of it is never sent again");
        proxy.Misbehaved.Should().Be(patching.Count, "one refused PATCH per test, no second attempt");
        run.TestsNotMeeting("PATCH", "^/api/anomalies$").Should().OnlyContain(t => t.Verdict == "passed");
    }

    [Test]
    public async Task A_target_that_stops_listening_mid_run_turns_every_remaining_check_into_a_target_error()
    {
        // The first batch is the run's cast; the target goes away at the first test's provisioning.
        await using var proxy = await MisbehavingProxy.StartAsync(upstream.Url, new MisbehaviourRule("POST", "^/api/_provisioning/batch$", Misbehaviour.StopListening, After: 1));

        var run = await RunAgainstAsync(proxy, 2004);

        // The run's own teardown cannot reach the target either: the fixtures it left behind make this a
        // setup failure (exit 3) with the --sweep command to run once the target is back.
        run.Process.ExitCode.Should().Be(3, "{0}", run.Process);
        run.Process.StandardOutput.Should().Contain("CLEANUP INCOMPLETE").And.Contain("--sweep");
        run.ShouldBeComplete();
        // Generated contract checks whose shared fixtures could not be provisioned never sent a request.
        run.Tests.Should().OnlyContain(t => t.Verdict == "target-error" && (t.LastExchange == null || t.LastExchange["status"]!.GetValue<int>() == 0));
        run.Tests.Where(t => t.LastExchange != null).Select(t => t.LastExchange!["transport_error"]!.GetValue<string>()).Should().Contain(e => e.Contains("Connection refused", StringComparison.OrdinalIgnoreCase));
    }

    [TestCase("GET", @"^/api/anomalies\?size=1$", Misbehaviour.NeverEnd, "unreachable", TestName = "A readiness probe that never answers exits 3")]
    [TestCase("POST", "^/api/_provisioning/batch$", Misbehaviour.HtmlErrorPage, "provisioning the run's users failed", TestName = "Cast provisioning answered by an HTML error page exits 3")]
    [TestCase("POST", "^/api/_provisioning/batch$", Misbehaviour.TruncatedJson, "provisioning the run's users failed", TestName = "Cast provisioning answered with truncated JSON exits 3")]
    public async Task A_fault_during_setup_exits_3_and_says_why(string method, string pattern, Misbehaviour what, string reason)
    {
        await using var proxy = await MisbehavingProxy.StartAsync(upstream.Url, new MisbehaviourRule(method, pattern, what));

        var run = await RunAgainstAsync(proxy, 2005 + (int)what);

        run.Process.ExitCode.Should().Be(3, "{0}", run.Process);
        run.Process.StandardError.Should().Contain(reason);
        run.ShouldNotCrash();
    }

    private async Task<FaultyRun> RunAgainstAsync(MisbehavingProxy proxy, int seed, string rules = Rules, params string[] more)
    {
        var output = TempDirectory.Create("faulty-target");
        var clock = Stopwatch.StartNew();
        var process = await ChildProcess.RunAsync(
            "dotnet",
            [Repository.RunnerDll, "--target", proxy.Url.ToString(), "--provisioning-key", Key, "--timeout", "3", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--rule", rules, "--out", output, .. more],
            RunBound);
        TestContext.Out.WriteLine($"run against {proxy.Url} took {clock.Elapsed.TotalSeconds:0.0} s");
        return new FaultyRun(output, process);
    }
}

/// <summary>A finished run against a faulty target: its process, results.json and exchanges.ndjson.</summary>
internal sealed class FaultyRun(string output, ChildProcessResult process)
{
    private static readonly Lazy<Task<JsonSchema>> Schema = new(() => JsonSchema.FromFileAsync(Repository.Specs("results.schema.json")));
    private List<JsonObject>? exchanges;

    public string Output { get; } = output;
    public ChildProcessResult Process { get; } = process;
    public JsonObject Results => ResultsFile.Load(Output).Document;

    public IReadOnlyList<TestRecord> Tests => Results["tests"]!.AsArray().Select(t => new TestRecord(
        t!["id"]!.GetValue<string>(),
        t["verdict"]!.GetValue<string>(),
        t["message"]?.GetValue<string>(),
        t["retries"]!.GetValue<int>(),
        t["last_exchange"] as JsonObject)).ToList();

    public string RuleVerdict(string id) => ResultsFile.Load(Output).Rule(id)["verdict"]!.GetValue<string>();

    public IReadOnlyList<JsonObject> Exchanges(string testId) => AllExchanges().Where(e => e["testId"]!.GetValue<string>() == testId).ToList();

    public IReadOnlyList<TestRecord> TestsMeeting(string method, string pathPattern) => Tests.Where(t => Meets(t, method, pathPattern)).ToList();

    public IReadOnlyList<TestRecord> TestsNotMeeting(string method, string pathPattern) => Tests.Where(t => !Meets(t, method, pathPattern)).ToList();

    /// <summary>The run finished and wrote every report, results.json valid against its schema, with no crash on the console.</summary>
    public void ShouldBeComplete()
    {
        foreach (var file in new[] { "index.html", "results.json", "junit.xml", "exchanges.ndjson" })
        {
            File.Exists(Path.Combine(Output, file)).Should().BeTrue($"the run writes {file}: {Process}");
        }

        var violations = Schema.Value.GetAwaiter().GetResult().Validate(File.ReadAllText(Path.Combine(Output, "results.json")));
        violations.Select(v => $"{v.Path}: {v.Kind}").Should().BeEmpty("results.json follows specs/results.schema.json");
        Tests.Should().NotBeEmpty();
        ShouldNotCrash();
    }

    public void ShouldNotCrash()
    {
        var console = Process.StandardOutput + Process.StandardError;
        console.Should().NotContain("Unhandled exception").And.NotMatchRegex(@"\n\s+at [A-Za-z]", "no stack trace reaches the console");
    }

    private bool Meets(TestRecord test, string method, string pathPattern) => Exchanges(test.Id).Any(e =>
        e["method"]!.GetValue<string>() == method && Regex.IsMatch(new Uri(e["url"]!.GetValue<string>()).PathAndQuery, pathPattern));

    private List<JsonObject> AllExchanges() => exchanges ??= File.ReadLines(Path.Combine(Output, "exchanges.ndjson"))
        .Where(line => line.Length > 0)
        .Select(line => JsonNode.Parse(line)!.AsObject())
        .ToList();
}

internal sealed record TestRecord(string Id, string Verdict, string? Message, int Retries, JsonObject? LastExchange);
