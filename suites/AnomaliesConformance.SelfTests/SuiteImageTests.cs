using System.Globalization;
using System.Text.Json.Nodes;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.SelfTests;

/// <summary>
/// The suite as an image (suites/AnomaliesConformance.Runner/docker), built locally without a registry, run the
/// way the README shows: `docker run -v OUT:/reports -v PROFILE:/data/profile.yaml IMAGE --profile /data/profile.yaml`
/// against the reference server's image started beside it (host network, a loopback port). Needs a Docker
/// engine: skipped locally without one, required on CI, where .ci/run starts it.
/// </summary>
[NonParallelizable] // Building two images takes both cores for minutes; nothing else should compete.
public sealed class SuiteImageTests
{
    private const string SuiteImage = "anomalies-conformance:selftest";
    private const string ServerImage = "anomalies-reference-server:selftest";
    private const string Key = "selftest-suite-image-provisioning-key";

    [OneTimeSetUp]
    public async Task BuildTheSuiteAndReferenceServerImages()
    {
        await DockerEngine.RequireAsync();
        foreach (var (script, tag) in new[]
        {
            (Path.Combine(Repository.Root, "fixtures", "ReferenceServer", "docker", "build-image.sh"), ServerImage),
            (Path.Combine(Repository.Root, "suites", "AnomaliesConformance.Runner", "docker", "build-image.sh"), SuiteImage),
        })
        {
            var build = await ChildProcess.RunAsync(script, [tag], TimeSpan.FromMinutes(20));
            build.ExitCode.Should().Be(0, "the image {0} builds without a registry: {1}", tag, build);
        }
    }

    [Test]
    public async Task The_image_checks_the_reference_server_beside_it_and_writes_the_reports_to_the_mounted_folder()
    {
        const int Port = 18621;
        var work = TempDirectory.Create("suite-image");
        var reports = Directory.CreateDirectory(Path.Combine(work, "out")).FullName;
        var profile = Path.Combine(work, "profile.yaml");
        await File.WriteAllTextAsync(profile, $"""
            version: 1
            target:
              base_url: http://127.0.0.1:{Port}/
              timeout_seconds: 10
            fixtures:
              mode: provisioning
              provisioning_key: {"{"}env: ANOMALIES_PROVISIONING_KEY{"}"}
            """);
        var server = await StartReferenceServerAsync(Port);
        try
        {
            var run = await Docker(TimeSpan.FromMinutes(10),
                "run", "--rm", "--network", "host", "-e", "ANOMALIES_PROVISIONING_KEY=" + Key,
                "-v", reports + ":/reports", "-v", profile + ":/data/profile.yaml:ro",
                SuiteImage, "--profile", "/data/profile.yaml", "--seed", "4242");

            run.ExitCode.Should().Be(0, "the reference server is conformant: {0}", run);
            run.StandardOutput.Should().Contain("Report: /reports/index.html", "without --out the image writes to /reports");
            (run.StandardOutput + run.StandardError).Should().NotContain(Key, "the provisioning key is a secret");
            var results = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(reports, "results.json")))!;
            results["conformant"]!.GetValue<bool>().Should().BeTrue();
            results["target"]!.GetValue<string>().Should().Be($"http://127.0.0.1:{Port}/", "the profile's target was checked, not the image's own server");
            results["must_pass_rate"]!.GetValue<string>().Should().MatchRegex(@"^(\d+)/\1$");
            foreach (var file in new[] { "index.html", "summary.md", "junit.xml", "results.trx", "exchanges.ndjson" })
            {
                new FileInfo(Path.Combine(reports, file)).Length.Should().BeGreaterThan(0, "{0} is written to the mounted folder", file);
            }
        }
        finally
        {
            await Docker(TimeSpan.FromMinutes(1), "rm", "-f", server);
        }
    }

    [Test]
    public async Task Without_a_target_the_image_checks_its_own_reference_server_and_honours_out()
    {
        var reports = TempDirectory.Create("suite-image-own");

        var run = await Docker(TimeSpan.FromMinutes(10),
            "run", "--rm", "--network", "host", "-v", reports + ":/elsewhere", SuiteImage, "--out", "/elsewhere", "--rule", "ASSIGNEES-REPLACE", "--seed", "4242");

        run.ExitCode.Should().Be(0, "{0}", run);
        var results = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(reports, "results.json")))!;
        results["conformant"]!.GetValue<bool>().Should().BeTrue();
        results["target"]!.GetValue<string>().Should().StartWith("http://127.0.0.1:");
    }

    /// <summary>Starts the reference server's image on a loopback port and waits until it answers; returns the container id.</summary>
    private static async Task<string> StartReferenceServerAsync(int port)
    {
        var start = await Docker(TimeSpan.FromMinutes(1),
            "run", "-d", "--network", "host",
            "-e", "REFERENCE_URLS=http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture), "-e", "REFERENCE_PROVISIONING_KEY=" + Key, ServerImage);
        start.ExitCode.Should().Be(0, "{0}", start);
        var container = start.StandardOutput.Trim();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 60; attempt++)
        {
            try
            {
                // Any answer (the API answers 401 without a token) means it listens.
                await http.GetAsync(new Uri($"http://127.0.0.1:{port}/api/anomalies"));
                return container;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }

        var logs = await Docker(TimeSpan.FromMinutes(1), "logs", container);
        await Docker(TimeSpan.FromMinutes(1), "rm", "-f", container);
        Assert.Fail($"the reference server's container never answered on port {port}: {logs}");
        return container;
    }

    private static Task<ChildProcessResult> Docker(TimeSpan timeout, params string[] arguments) => ChildProcess.RunAsync("docker", arguments, timeout);
}
