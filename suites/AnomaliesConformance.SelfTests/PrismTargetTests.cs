using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NJsonSchema;
using NUnit.Framework;

namespace AnomaliesConformance.SelfTests;

/// <summary>
/// The suite against a target no one here wrote: Stoplight Prism (npm, pinned in package.json) mocking
/// specs/anomalies.openapi.yaml. A mock has no provisioning extension, keeps no state and accepts any
/// bearer token: the run must still finish with a readable report and exit 1, the shape checks mostly
/// pass, the behaviour checks fail, and the scenario tests end inconclusive with the reason.
/// </summary>
[Parallelizable(ParallelScope.Self)]
public sealed class PrismTargetTests
{
    [Test]
    public async Task A_run_against_a_prism_mock_finishes_with_a_report_schema_checks_passing_and_behaviour_checks_failing()
    {
        var prism = Path.Combine(Repository.Root, "node_modules", ".bin", "prism");
        File.Exists(prism).Should().BeTrue("run-tests.sh installs Prism with npm ci before the tests");
        var port = FreeLoopbackPort();
        using var mock = StartMock(prism, port);
        await WaitUntilListeningAsync(mock, port, TimeSpan.FromSeconds(90));
        var output = TempDirectory.Create("prism");

        var run = await ChildProcess.RunRunnerAsync("--target", $"http://127.0.0.1:{port}", "--provisioning-key", "x", "--out", output, "--seed", "4242");

        run.ExitCode.Should().Be(1, "MUST rules cannot be judged without fixtures, and a mock breaks behaviour rules: {0}", run);
        run.StandardOutput.Should().Contain("Provisioning unavailable").And.Contain("VERDICT: NOT CONFORMANT");
        var schema = await JsonSchema.FromFileAsync(Repository.Specs("results.schema.json"));
        var resultsText = await File.ReadAllTextAsync(Path.Combine(output, "results.json"));
        schema.Validate(resultsText).Should().BeEmpty("the report is complete and well-formed");
        File.Exists(Path.Combine(output, "index.html")).Should().BeTrue();
        var tests = JsonNode.Parse(resultsText)!["tests"]!.AsArray().Select(t => t!.AsObject()).ToList();

        var schemaChecks = tests.Where(t => Rules(t).Contains("CONTRACT-RESPONSE-SCHEMA")).ToList();
        schemaChecks.Count(t => Verdict(t) == "passed").Should().BeGreaterThan(schemaChecks.Count / 2, "Prism answers the document's own examples, which mostly match its schemas");
        foreach (var behaviour in new[] { "AUTH-BEARER-REQUIRED", "ERRORS-UNKNOWN-ID-404" })
        {
            tests.Where(t => Rules(t).Contains(behaviour)).Should().Contain(t => Verdict(t) == "failed", $"a mock accepts any token and any id ({behaviour})");
        }

        var scenarios = tests.Where(t => t["id"]!.GetValue<string>().Contains(".Scenarios.", StringComparison.Ordinal)).ToList();
        scenarios.Should().NotBeEmpty().And.OnlyContain(
            t => Verdict(t) == "inconclusive" || Rules(t).Contains("AUTH-MISSING-TOKEN"),
            "scenarios need fixtures, which a mock cannot provision");
        scenarios.Where(t => Verdict(t) == "inconclusive").Should().OnlyContain(t => t["message"]!.GetValue<string>().Contains("no provisioning extension"));
    }

    private static IReadOnlyList<string> Rules(JsonObject test) => test["rules"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();

    private static string Verdict(JsonObject test) => test["verdict"]!.GetValue<string>();

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static MockProcess StartMock(string prism, int port)
    {
        var start = new ProcessStartInfo(prism)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (var argument in new[] { "mock", Repository.Specs("anomalies.openapi.yaml"), "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start Prism");
        // Prism logs every request; drain its output so it never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new MockProcess(process);
    }

    private static async Task WaitUntilListeningAsync(MockProcess mock, int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (mock.Process.HasExited)
            {
                Assert.Fail($"Prism exited with {mock.Process.ExitCode} before listening on port {port}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(250);
            }
        }

        Assert.Fail($"Prism did not listen on port {port} within {timeout}");
    }

    /// <summary>Stops the mock this test started (and its child processes) when the test ends.</summary>
    private sealed class MockProcess(Process process) : IDisposable
    {
        public Process Process { get; } = process;

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit(10_000);
            }

            Process.Dispose();
        }
    }
}
