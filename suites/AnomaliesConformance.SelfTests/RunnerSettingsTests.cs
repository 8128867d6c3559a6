using AnomaliesConformance.Core;
using AnomaliesConformance.Runner;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.SelfTests;

/// <summary>
/// The runner's settings function on its own, without a child process: each value check and each rule
/// between options is a configuration error naming the option (the runner exits 2 with it), and what the
/// environment gives is read through the function it is handed.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class RunnerSettingsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [TestCase(new[] { "--target", "ftp://example.test" }, "--target: 'ftp://example.test' is not an http(s) URL")]
    [TestCase(new[] { "--target", "http://example.test", "--image", "vendor/server:1" }, "--target and --image name two targets")]
    [TestCase(new[] { "--target", "http://example.test" }, "--target needs --provisioning-key")]
    [TestCase(new[] { "--image", "vendor/server:1" }, "--image needs --provisioning-key")]
    [TestCase(new[] { "--target", "http://example.test", "--provisioning-key", "k", "--reference-fault", "tags-append" }, "--reference-fault applies only to the embedded reference server, not to --target")]
    [TestCase(new[] { "--target", "http://example.test", "--provisioning-key", "k", "--reference-openapi", "x.yaml" }, "--reference-openapi applies only to the embedded reference server")]
    [TestCase(new[] { "--spec", "a.yaml", "--spec-from-target" }, "--spec and --spec-from-target both name the document")]
    [TestCase(new[] { "--spec-from-target", "http://example.test/openapi.json" }, "is not a path of the target")]
    [TestCase(new[] { "--fault-matrix", "--target", "http://example.test", "--provisioning-key", "k" }, "--fault-matrix runs against the embedded reference server")]
    [TestCase(new[] { "--fault-matrix", "--read-only" }, "--fault-matrix runs against the embedded reference server")]
    [TestCase(new[] { "--bench", "--target", "http://example.test", "--provisioning-key", "k" }, "--bench measures the suite against the embedded reference server")]
    [TestCase(new[] { "--bench", "--reference-fault", "tags-append" }, "--bench measures the suite against the embedded reference server")]
    [TestCase(new[] { "--discover", "draft.yaml" }, "--discover reads the target as the admin of a --profile in manifest mode")]
    [TestCase(new[] { "--fail-on", "regressions" }, "--fail-on regressions needs --baseline RESULTS")]
    [TestCase(new[] { "--fail-on", "sometimes" }, "--fail-on")]
    [TestCase(new[] { "--baseline", "results.json", "--bench" }, "--baseline compares a run's verdicts; it cannot be combined with --bench")]
    [TestCase(new[] { "--workers", "0" }, "--workers: must be between 1 and 96")]
    [TestCase(new[] { "--timeout", "0" }, "--timeout: must be between 1 and 3600 seconds")]
    [TestCase(new[] { "--retries", "11" }, "--retries: must be between 0 and 10")]
    [TestCase(new[] { "--rate-limit", "0" }, "--rate-limit: must be between 1 and 100000")]
    [TestCase(new[] { "--fuzz", "-1" }, "--fuzz: must be between 0 and 10000")]
    [TestCase(new[] { "--image-port", "70000", "--image", "vendor/server:1", "--provisioning-key", "k" }, "--image-port: must be a TCP port")]
    [TestCase(new[] { "--expect", "acknowledged_to_active" }, "--expect: 'acknowledged_to_active' is not KEY=VALUE")]
    [TestCase(new[] { "--representation", "no_such_key=items" }, "--representation:")]
    [TestCase(new[] { "--secret-env", "UNSET_SECRET" }, "--secret-env: environment variable UNSET_SECRET is not set")]
    [TestCase(new[] { "--specs", "/no/such/folder" }, "--specs: folder /no/such/folder does not exist")]
    [TestCase(new[] { "--no-such-option" }, "--no-such-option")]
    public void A_wrong_or_conflicting_option_is_a_configuration_error_naming_it(string[] args, string message)
    {
        var settings = () => new RunnerCommandLine().Settings([.. args, "--out", TempDirectory.Create("settings")], NoEnvironment);

        settings.Should().Throw<ConfigurationException>().Which.Message.Should().Contain(message);
    }

    [Test]
    public void The_provisioning_key_may_come_from_the_environment_and_secrets_are_read_through_it()
    {
        var environment = new Dictionary<string, string> { ["ANOMALIES_PROVISIONING_KEY"] = "key-from-env", ["VENDOR_TOKEN"] = "s3cret" };

        var settings = new RunnerCommandLine().Settings(
            ["--target", "http://example.test/api-root", "--secret-env", "VENDOR_TOKEN", "--out", TempDirectory.Create("settings"), "--seed", "7"],
            name => environment.GetValueOrDefault(name));

        settings.ProvisioningKey.Should().Be("key-from-env");
        settings.Secrets.Should().Equal(["s3cret"]);
        settings.TargetUrl.Should().Be(new Uri("http://example.test/api-root/"), "a base URL always ends in / so relative paths keep its path");
        settings.Seed.Should().Be(7);
    }

    [Test]
    public void Expectations_and_filters_split_on_commas_and_the_later_expectation_wins()
    {
        var settings = new RunnerCommandLine().Settings(
            ["--expect", "a=1,b=2", "--expect", "a=3", "--rule", "TAGS-REPLACE,TAGS-CLEAR", "--reference-fault", "tags-append", "--out", TempDirectory.Create("settings")],
            NoEnvironment);

        settings.Expectations.Should().BeEquivalentTo(new Dictionary<string, string> { ["a"] = "3", ["b"] = "2" });
        settings.RuleFilter.Should().Equal(["TAGS-REPLACE", "TAGS-CLEAR"]);
        settings.ReferenceFaults.Should().Equal(["tags-append"]);
        settings.FaultMatrix.Should().BeFalse();
        settings.AdaptiveWorkers.Should().BeTrue("without --workers the parallelism follows the round trip");
    }

    [Test]
    public void Workers_given_on_the_command_line_are_kept_and_the_round_trip_sets_them_otherwise()
    {
        new RunnerCommandLine().Settings(["--workers", "7", "--out", TempDirectory.Create("settings")], NoEnvironment).AdaptiveWorkers.Should().BeFalse();

        ConformanceRunner.WorkersFor(0.4, null).Should().Be(4, "a target on the same machine is kept busy by four");
        ConformanceRunner.WorkersFor(50, null).Should().Be(64, "a 50 ms round trip needs many requests in flight");
        ConformanceRunner.WorkersFor(150, null).Should().Be(96, "at most 96");
        ConformanceRunner.WorkersFor(50, 50).Should().Be(5, "50 requests/s at 50 ms allow 2.5 in flight, and a few spare");
    }
}
