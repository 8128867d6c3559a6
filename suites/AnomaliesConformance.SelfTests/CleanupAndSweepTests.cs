using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NUnit.Framework;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.SelfTests;

/// <summary>
/// A run leaves a shared target as it found it: it tears down what it provisioned and verifies it, and a
/// run killed half-way is cleaned up from its ledger by --sweep, leaving pre-existing data untouched.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class CleanupAndSweepTests
{
    private const string Key = "selftest-sweep-provisioning-key";

    [Test]
    public async Task A_finished_run_removes_everything_it_provisioned_and_leaves_existing_data_as_it_was()
    {
        await using var target = await SharedTarget.StartAsync();
        var before = await target.StateAsync();
        var output = TempDirectory.Create("cleanup");

        var run = await ChildProcess.RunRunnerAsync("--target", target.Url, "--provisioning-key", Key, "--out", output, "--seed", "4242");

        run.ExitCode.Should().Be(0, "{0}", run);
        run.StandardOutput.Should().Contain("nothing is left");
        (await target.StateAsync()).Should().Be(before, "the shared target's data is exactly as before the run");
        var runId = RunIdOf(output);
        (await target.RemainingAsync(runId)).Should().Be(0, "the inventory shows nothing of run {0}", runId);
    }

    [Test]
    public async Task A_run_killed_half_way_is_swept_from_its_ledger_back_to_the_state_before_it()
    {
        await using var target = await SharedTarget.StartAsync();
        var before = await target.StateAsync();
        var output = TempDirectory.Create("killed");
        var ledger = Path.Combine(output, "ledger.ndjson");

        using (var suite = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Repository.RunnerDll, "--target", target.Url, "--provisioning-key", Key, "--out", output, "--workers", "1" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!)
        {
            suite.BeginOutputReadLine();
            suite.BeginErrorReadLine();
            for (var i = 0; i < 600 && !(File.Exists(ledger) && File.ReadLines(ledger).Count() > 15); i++)
            {
                await Task.Delay(20);
            }

            suite.Kill(entireProcessTree: true);
            await suite.WaitForExitAsync();
        }

        var runId = RunIdOf(output);
        (await target.RemainingAsync(runId)).Should().BeGreaterThan(0, "the killed run left fixtures behind (else this test proves nothing)");

        var sweep = await ChildProcess.RunRunnerAsync("--sweep", ledger, "--provisioning-key", Key);

        sweep.ExitCode.Should().Be(0, "{0}", sweep);
        (await target.RemainingAsync(runId)).Should().Be(0);
        (await target.StateAsync()).Should().Be(before, "after the sweep the target equals its state before the run, field by field");
    }

    private static string RunIdOf(string output) =>
        JsonNode.Parse(File.ReadLines(Path.Combine(output, "ledger.ndjson")).First())!["run"]!.GetValue<string>();

    /// <summary>A reference server holding data the suite was not given, as a shared environment would.</summary>
    private sealed class SharedTarget : IAsyncDisposable
    {
        private readonly ReferenceServerProcess server;
        private readonly HttpClient http;
        private readonly string adminToken;
        private readonly IReadOnlyList<long> existing;

        private SharedTarget(ReferenceServerProcess server, HttpClient http, string adminToken, IReadOnlyList<long> existing)
        {
            this.server = server;
            this.http = http;
            this.adminToken = adminToken;
            this.existing = existing;
        }

        public string Url => server.Url.ToString();

        public static async Task<SharedTarget> StartAsync()
        {
            var server = await ReferenceServerProcess.StartAsync(Repository.ReferenceServerDll, Key, [], TimeSpan.FromSeconds(60));
            var http = new HttpClient { BaseAddress = server.Url };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/_provisioning/batch")
            {
                Content = new StringContent("""
                    {"users": [{"key": "ops", "name": "Ops Admin", "email": "ops@example.test", "role": "Admin"},
                               {"key": "analyst", "name": "Ann Analyst", "email": "ann@example.test", "role": "Member"}],
                     "datastores": [{"key": "prod", "name": "production", "containers": [{"key": "orders", "name": "orders"}]}],
                     "grants": [{"user": "analyst", "datastore": "prod", "permission": "Editor"}],
                     "tags": ["Existing-High"],
                     "anomalies": [
                       {"key": "a", "datastore": "prod", "container": "orders", "description": "existing one", "tags": ["Existing-High"], "assignees": ["analyst"],
                        "comments": [{"user": "analyst", "comment": "looking", "created": "2026-01-02T03:04:05.000000Z"}]},
                       {"key": "b", "datastore": "prod", "container": "orders", "status": "Resolved"}]}
                    """, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Provisioning-Key", Key);
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            var seeded = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            var ids = seeded["anomalies"]!.AsObject().Select(a => a.Value!["id"]!.GetValue<long>()).ToList();
            return new SharedTarget(server, http, seeded["users"]!["ops"]!["token"]!.GetValue<string>(), ids);
        }

        /// <summary>Everything an Admin can read: every anomaly listed, and each existing one's history and comments.</summary>
        public async Task<string> StateAsync()
        {
            var state = new StringBuilder();
            state.AppendLine(await GetAsync("/api/anomalies?archived=include&size=100&sort_id=asc"));
            foreach (var id in existing)
            {
                state.AppendLine(await GetAsync($"/api/anomalies/{id}"));
                state.AppendLine(await GetAsync($"/api/anomalies/{id}/history?size=100"));
                state.AppendLine(await GetAsync($"/api/anomalies/{id}/comments?include_deleted=true"));
            }

            return state.ToString();
        }

        public async Task<long> RemainingAsync(string run)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/_provisioning/inventory?run={run}");
            request.Headers.Add("X-Provisioning-Key", Key);
            using var response = await http.SendAsync(request);
            var inventory = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            return inventory["remaining"]!.AsObject().Sum(r => r.Value!.GetValue<long>());
        }

        public async ValueTask DisposeAsync()
        {
            http.Dispose();
            await server.DisposeAsync();
        }

        private async Task<string> GetAsync(string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new("Bearer", adminToken);
            using var response = await http.SendAsync(request);
            return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }
    }
}
