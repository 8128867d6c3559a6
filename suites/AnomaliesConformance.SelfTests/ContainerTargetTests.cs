using System.Text.Json.Nodes;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.SelfTests;

/// <summary>
/// The --image path end to end: the reference server's image is built locally (no registry) and checked
/// through Testcontainers, clean and with a fault on. Needs a Docker engine: skipped locally without one,
/// required on CI (CI=true), where .ci/run starts it.
/// </summary>
[NonParallelizable] // Building the image takes both cores for a minute; nothing else should compete.
public sealed class ContainerTargetTests
{
    private const string Image = "anomalies-reference-server:selftest";
    private const string Key = "selftest-container-provisioning-key";

    [OneTimeSetUp]
    public async Task BuildTheReferenceServerImage()
    {
        await DockerEngine.RequireAsync();
        var build = await ChildProcess.RunAsync(
            Path.Combine(Repository.Root, "fixtures", "ReferenceServer", "docker", "build-image.sh"), [Image], TimeSpan.FromMinutes(10));
        build.ExitCode.Should().Be(0, "the image builds without a registry: {0}", build);
    }

    [Test]
    public async Task The_suite_checks_a_container_image_and_finds_the_reference_server_conformant()
    {
        var output = TempDirectory.Create("image-clean");

        var run = await RunAgainstImageAsync(output, port: 18611);

        run.ExitCode.Should().Be(0, "the reference server's image is as conformant as the server: {0}", run);
        run.StandardOutput.Should().Contain($"Started container image {Image}");
        File.Exists(Path.Combine(output, "container.log")).Should().BeFalse("the container log is kept only when the run fails");
        (await ContainersOfImageAsync()).Should().BeEmpty("the run disposes the container it started");
    }

    [Test]
    public async Task A_failing_image_exits_1_names_the_rule_and_keeps_the_container_log()
    {
        var output = TempDirectory.Create("image-fault");

        var run = await RunAgainstImageAsync(output, port: 18612, "--image-env", "REFERENCE_FAULTS=assignees-append");

        run.ExitCode.Should().Be(1, "a MUST rule fails: {0}", run);
        var results = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "results.json")))!;
        results["rules"]!.AsArray().Where(r => r!["verdict"]!.GetValue<string>() == "failed").Select(r => r!["id"]!.GetValue<string>())
            .Should().Equal("ASSIGNEES-REPLACE");
        (await File.ReadAllTextAsync(Path.Combine(output, "container.log"))).Should().Contain("REFERENCE-SERVER-LISTENING");
        (await ContainersOfImageAsync()).Should().BeEmpty("the run disposes the container it started, failing or not");
    }

    [Test]
    public async Task An_image_that_never_answers_exits_3_with_its_log()
    {
        var output = TempDirectory.Create("image-silent");

        // The server listens on another port than the one the suite is told to poll.
        var run = await ChildProcess.RunRunnerAsync(
            "--image", Image, "--image-port", "18613", "--image-env", "REFERENCE_URLS=http://127.0.0.1:18614",
            "--provisioning-key", Key, "--timeout", "5", "--out", output);

        run.ExitCode.Should().Be(3, "{0}", run);
        File.Exists(Path.Combine(output, "container.log")).Should().BeTrue("the log of a target that never answered is kept");
        (await ContainersOfImageAsync()).Should().BeEmpty();
    }

    private static Task<ChildProcessResult> RunAgainstImageAsync(string output, int port, params string[] extra) =>
        ChildProcess.RunRunnerAsync(
            new[]
            {
                "--image", Image, "--image-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--image-env", $"REFERENCE_URLS=http://127.0.0.1:{port}", "--image-env", $"REFERENCE_PROVISIONING_KEY={Key}",
                "--provisioning-key", Key, "--out", output, "--seed", "4242",
            }.Concat(extra).ToArray());

    private static async Task<string> ContainersOfImageAsync()
    {
        var ps = await ChildProcess.RunAsync("docker", ["ps", "-a", "-q", "--filter", $"ancestor={Image}"], TimeSpan.FromSeconds(30));
        return ps.StandardOutput.Trim();
    }
}
