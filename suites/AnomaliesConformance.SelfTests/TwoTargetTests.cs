using System.Text.Json.Nodes;
using AnomaliesConformance.Core;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Runner.Reporting;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NJsonSchema;
using NUnit.Framework;

namespace AnomaliesConformance.SelfTests;

/// <summary>
/// --compare-target: the same checks with the same seed against two targets. The reference server against
/// itself with one fault lists exactly that fault's rule as a verdict difference; against itself without one it
/// lists nothing (no verdict, status or shape difference: ids and times are not part of a shape). The shape,
/// the pairing of requests, the redaction of the comparison's files and the options' usage errors are tested
/// directly.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class TwoTargetTests
{
    // Quick rules: the tags rules write and read back, the list and pagination rules send reads together (in
    // either order) with ids and query values that differ from run to run.
    private const string Rules = "TAGS-REPLACE,TAGS-CLEAR,LIST-SEARCH-MESSAGE,PAGINATION-BOUNDS";
    private const string FaultName = "tags-append";
    private static readonly string[] NoRunIds = [];

    [Test]
    public async Task Reference_against_reference_with_one_fault_lists_exactly_that_rules_verdict_difference_and_exits_1()
    {
        var fault = FaultList.Load().Single(f => f.Name == FaultName);
        Rules.Split(',').Should().Contain(fault.Rule, "the run must check the fault's rule");
        var output = TempDirectory.Create("two-target-fault");

        var run = await ChildProcess.RunRunnerAsync("--rule", Rules, "--seed", "4242", "--compare-reference-fault", fault.Name, "--out", output);

        run.ExitCode.Should().Be(1, "a rule's verdict differs: {0}", run);
        var schema = await JsonSchema.FromFileAsync(Repository.Specs("comparison.schema.json"));
        var json = await File.ReadAllTextAsync(Path.Combine(output, "comparison.json"));
        schema.Validate(json).Select(v => $"{v.Path}: {v.Kind}").Should().BeEmpty("comparison.json follows specs/comparison.schema.json");
        var comparison = JsonNode.Parse(json)!;
        comparison["verdict_differences"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Equal([fault.Rule], "only the fault's rule is judged differently");
        comparison["rules"]!.AsArray().Where(r => r!["verdict_differs"]!.GetValue<bool>()).Select(r => r!["id"]!.GetValue<string>()).Should().Equal(fault.Rule);
        var rule = comparison["rules"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == fault.Rule)!;
        (rule["primary_verdict"]!.GetValue<string>(), rule["compared_verdict"]!.GetValue<string>()).Should().Be(("passed", "failed"));
        var check = rule["checks"]!.AsArray().Single()!;
        check["compared_message"]!.GetValue<string>().Should().NotBeNullOrEmpty("the failing side says why");
        foreach (var side in new[] { "primary", "compared" })
        {
            check[side].Should().NotBeNull("the decisive request is shown on both sides");
            check[side]!["method"]!.GetValue<string>().Should().Be(check["primary"]!["method"]!.GetValue<string>());
        }

        comparison["compared"]!["reference_faults"]!.AsArray().Select(f => f!.GetValue<string>()).Should().Equal(fault.Name);
        comparison["seed"]!.GetValue<int>().Should().Be(4242);
        foreach (var folder in new[] { TwoTargetRun.PrimaryFolder, TwoTargetRun.ComparedFolder })
        {
            var results = ResultsFile.Load(Path.Combine(output, folder)).Document;
            results["seed"]!.GetValue<int>().Should().Be(4242, "both runs use the same seed");
        }

        run.StandardOutput.Should().Contain($"VERDICT DIFFERS  {fault.Rule} (MUST): primary passed, compared failed");
        (await File.ReadAllTextAsync(Path.Combine(output, "summary.md"))).Should().Contain($"| `{fault.Rule}` | MUST | **passed** | **failed** |");
        var html = await File.ReadAllTextAsync(Path.Combine(output, "index.html"));
        html.Should().Contain($"<section id=\"rule-{fault.Rule}\" data-verdict-differs=\"true\">").And.Contain("href=\"primary/index.html\"").And.Contain("href=\"compared/index.html\"");
    }

    [Test]
    public async Task Reference_against_reference_without_a_fault_lists_no_difference_at_all_and_exits_0()
    {
        var output = TempDirectory.Create("two-target-clean");

        var run = await ChildProcess.RunRunnerAsync("--rule", Rules, "--compare-target", RunnerCommandLine.CompareReference, "--out", output);

        run.ExitCode.Should().Be(0, "{0}", run);
        var comparison = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "comparison.json")))!;
        comparison["rules"]!.AsArray().Select(r => r!.ToJsonString()).Should().BeEmpty("the same server answers the same checks with the same statuses and shapes; ids and times are values, not shape");
        comparison["counts"]!["rules_compared"]!.GetValue<int>().Should().Be(Rules.Split(',').Length);
        run.StandardOutput.Should().Contain("COMPARISON: SAME VERDICTS on both targets");
    }

    [Test]
    public async Task A_compared_target_by_url_is_reached_with_its_own_key_which_no_file_or_line_shows()
    {
        const string key = "compared-target-key-0f3b9c";
        await using var server = await ReferenceServerProcess.StartAsync(Repository.ReferenceServerDll, key, [], TimeSpan.FromSeconds(60));
        var output = TempDirectory.Create("two-target-url");

        var run = await ChildProcess.RunAsync(
            "dotnet",
            [Repository.RunnerDll, "--rule", "TAGS-REPLACE", "--compare-target", server.Url.ToString(), "--out", output],
            TimeSpan.FromMinutes(5),
            new Dictionary<string, string> { [RunnerCommandLine.CompareProvisioningKeyVariable] = key });

        run.ExitCode.Should().Be(0, "{0}", run);
        var comparison = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "comparison.json")))!;
        comparison["compared"]!["target"]!.GetValue<string>().Should().Be(server.Url.ToString());
        comparison["rules"]!.AsArray().Should().BeEmpty();
        (run.StandardOutput + run.StandardError).Should().NotContain(key);
        foreach (var file in Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories))
        {
            (await File.ReadAllTextAsync(file)).Should().NotContain(key, file);
        }
    }

    [Test]
    public void The_shape_of_a_body_keeps_key_paths_and_value_kinds_and_leaves_out_values()
    {
        const string runA = "cf1a2b3c";
        const string runB = "cf9d8e7f";
        var first = TargetComparison.ShapeOf("""{"id":1,"created":"2026-01-01T00:00:00Z","tags":[{"id":3,"name":"cf1a2b3c-High"}],"by_name":{"cf1a2b3c-High":4,"17":{"n":1}}}""", false, [runA, runB]);
        var second = TargetComparison.ShapeOf("""{"id":907,"created":"2027-05-05T10:00:00Z","tags":[{"id":12,"name":"x"},{"id":13,"name":"y"}],"by_name":{"cf9d8e7f-High":8,"4":{"n":2}}}""", false, [runA, runB]);

        second.Should().BeEquivalentTo(first, "ids, times, names and keys that are data are values, not shape");
        first.Should().Contain("$.tags[].name: string").And.Contain("$.by_name.{key}.n: number");

        var keyMissing = TargetComparison.ShapeOf("""{"id":1,"created":"2026-01-01T00:00:00Z","tags":[{"id":3}],"by_name":{}}""", false, NoRunIds);
        TargetComparison.ShapeOnlyIn(first, keyMissing).Should().Contain("$.tags[].name: string", "a key one answer lacks is a shape difference");
        var otherKind = TargetComparison.ShapeOf("""{"id":"1"}""", false, NoRunIds);
        TargetComparison.ShapeOnlyIn(otherKind, TargetComparison.ShapeOf("""{"id":1}""", false, NoRunIds)).Should().Equal("$.id: string");
        var emptyList = TargetComparison.ShapeOf("""{"id":1,"created":"x","tags":[],"by_name":{"cf1a2b3c-High":4,"17":{"n":1}}}""", false, [runA]);
        TargetComparison.ShapeOnlyIn(first, emptyList).Should().BeEmpty("an empty list says nothing of its elements' shape");
        TargetComparison.ShapeOf("not json", false, NoRunIds).Should().Equal("(not JSON)");
        TargetComparison.ShapeOf(null, false, NoRunIds).Should().Equal("(no body)");
    }

    [Test]
    public void Requests_pair_by_check_method_path_and_query_even_when_sent_together_in_another_order()
    {
        static TargetComparison.RecordedExchange Exchange(long sequence, string method, string path, int status, string body)
        {
            var key = TargetComparison.PathKey(path, NoRunIds, out var request);
            return new TargetComparison.RecordedExchange(sequence, $"{method} {key} as admin", $"{method} {request}", status, false, TargetComparison.ShapeOf(body, false, NoRunIds),
                new ComparedExchange(sequence, "admin", method, path, status, status.ToString(System.Globalization.CultureInfo.InvariantCulture), body));
        }

        // The primary read anomaly 5 (tagged) before 6 (untagged); the compared run read them the other way round.
        var primary = new[]
        {
            Exchange(1, "GET", "/api/anomalies/5", 200, """{"id":5,"tags":[{"id":1}]}"""),
            Exchange(2, "GET", "/api/anomalies/6", 200, """{"id":6,"note":null}"""),
            Exchange(3, "GET", "/api/anomalies/5/history?size=101", 422, """{"detail":[]}"""),
            Exchange(4, "GET", "/api/anomalies/5/history?size=100", 200, """{"items":[]}"""),
            Exchange(5, "DELETE", "/api/anomalies/5", 204, ""),
        };
        var compared = new[]
        {
            Exchange(11, "GET", "/api/anomalies/41", 200, """{"id":41,"note":null}"""),
            Exchange(12, "GET", "/api/anomalies/40", 200, """{"id":40,"tags":[{"id":9}]}"""),
            Exchange(13, "GET", "/api/anomalies/40/history?size=100", 200, """{"items":[]}"""),
            Exchange(14, "GET", "/api/anomalies/40/history?size=101", 422, """{"detail":[]}"""),
            Exchange(15, "POST", "/api/anomalies", 201, """{"id":42}"""),
        };

        var pairs = TargetComparison.Pair(primary, compared).Select(p => (p.Primary?.Sequence, p.Compared?.Sequence)).ToList();

        pairs.Should().Equal([(1L, 12L), (2L, 11L), (3L, 14L), (4L, 13L), (5L, null), (null, 15L)]);
    }

    [Test]
    public void The_comparison_files_redact_secrets_the_bodies_carry()
    {
        const string secret = "s3cr3t-basic-auth-value";
        var redactor = new Redactor();
        redactor.Register(secret, "<secret>");
        var leaked = new ComparedExchange(7, "admin", "GET", $"/api/anomalies/1?api_key={secret}", 200, "200", $"{{\"note\":\"{secret}\"}}");
        var comparison = new TargetComparison(
            4242,
            new ComparedSide(TwoTargetRun.PrimaryFolder, "http://a/", true, [], 0),
            new ComparedSide(TwoTargetRun.ComparedFolder, "http://b/", false, [], 1),
            1,
            [new RuleDifference("TAGS-REPLACE", "MUST", "s", "passed", "failed", [new CheckVerdictDifference("T.C", "passed", "failed", null, $"expected x but {secret}", leaked, leaked)], [])]);
        var folder = TempDirectory.Create("two-target-redaction");

        TargetComparisonWriters.Write(comparison, folder, redactor);
        var console = new StringWriter();
        TargetComparisonWriters.WriteConsole(comparison, new RedactingTextWriter(console, redactor), folder);

        foreach (var (file, _) in TargetComparisonWriters.Writers)
        {
            var text = File.ReadAllText(Path.Combine(folder, file));
            text.Should().NotContain(secret, file).And.Contain("<secret>", file);
        }

        console.ToString().Should().NotContain(secret).And.Contain("VERDICT DIFFERS");
    }

    [Test]
    public void The_compared_run_keeps_the_seed_and_filters_and_takes_its_target_key_and_expectations_from_its_own_options()
    {
        var profile = Path.Combine(TempDirectory.Create("two-target-profile"), "candidate.yaml");
        File.WriteAllText(profile, """
            version: 1
            target:
              base_url: https://candidate.example/
            fixtures:
              mode: provisioning
              provisioning_key: {env: CANDIDATE_KEY}
            expectations:
              acknowledged_to_active: allowed
            secrets:
              - {env: CANDIDATE_SECRET}
            """);
        var environment = new Dictionary<string, string> { ["CANDIDATE_KEY"] = "candidate-key", ["CANDIDATE_SECRET"] = "candidate-secret" };

        var (primary, compared) = new RunnerCommandLine().TwoTargetSettings(
            ["--rule", "TAGS-REPLACE", "--seed", "7", "--expect", "missing_token_status=401", "--compare-profile", profile, "--out", TempDirectory.Create("two-target-out")],
            environment.GetValueOrDefault);

        compared.Should().NotBeNull();
        compared!.TargetUrl.Should().Be(new Uri("https://candidate.example/"));
        compared.ProvisioningKey.Should().Be("candidate-key");
        compared.Seed.Should().Be(7);
        compared.RuleFilter.Should().Equal("TAGS-REPLACE");
        compared.RunId.Should().NotBe(primary.RunId);
        compared.Expectations.Should().Contain("acknowledged_to_active", "allowed").And.Contain("missing_token_status", "401");
        compared.Secrets.Should().Contain("candidate-secret");
        primary.TargetUrl.Should().BeNull("the primary target is still the embedded reference server");
        primary.Expectations.Should().NotContainKey("acknowledged_to_active");

        var (_, none) = new RunnerCommandLine().TwoTargetSettings(["--out", TempDirectory.Create("two-target-none")], environment.GetValueOrDefault);
        none.Should().BeNull("without --compare-* it is an ordinary run");
    }

    [TestCase("--compare-target|ftp://candidate.example", "--compare-target: 'ftp://candidate.example' is not an http(s) URL")]
    [TestCase("--compare-target|https://candidate.example", "ANOMALIES_COMPARE_PROVISIONING_KEY")]
    [TestCase("--compare-target|https://candidate.example|--compare-reference-fault|tags-append", "--compare-reference-fault applies only to an embedded reference server")]
    [TestCase("--compare-target|reference|--bench", "it cannot be combined with --bench")]
    [TestCase("--compare-reference-fault|tags-append|--fault-matrix", "it cannot be combined with --bench, --fault-matrix")]
    public void A_wrong_two_target_command_line_is_a_usage_error_naming_the_option(string words, string expected)
    {
        var args = words.Split('|').Concat(["--out", TempDirectory.Create("two-target-usage")]).ToList();

        var settings = () => new RunnerCommandLine().TwoTargetSettings(args, _ => null);

        settings.Should().Throw<ConfigurationException>().WithMessage($"*{expected}*");
    }

    [Test]
    public async Task An_unknown_compared_fault_exits_2_naming_the_option_before_any_run_starts()
    {
        var run = await ChildProcess.RunRunnerAsync("--rule", "TAGS-REPLACE", "--compare-reference-fault", "no-such-fault", "--out", TempDirectory.Create("two-target-bad-fault"));

        run.ExitCode.Should().Be(2, "{0}", run);
        run.StandardError.Should().Contain("--compare-reference-fault: 'no-such-fault' is not a fault");
        run.StandardOutput.Should().NotContain("Started the embedded reference server", "the faults are checked before the primary run");
    }
}
