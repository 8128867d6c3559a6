using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Core.Targets;

namespace AnomaliesConformance.Runner;

/// <summary>
/// `--bench`: how fast the suite reaches its verdict, and what it costs, measured in one invocation on one
/// machine against one embedded reference server, every figure a ratio to a baseline run of the same
/// invocation (never an absolute time that a slower machine would fail). Direct and delayed runs alternate over
/// three rounds, and each kind counts its quickest. Writes bench.json and a table.
/// <list type="bullet">
/// <item>latency_penalty_50ms / _150ms: a full run through a TCP delay line of that round trip, over the direct run;</item>
/// <item>requests_per_run, requests_per_rule, critical_path_requests (the longest chain of one check's requests, each waiting for the one before);</item>
/// <item>parallel_speedup: the run with one worker over the run with the default parallelism;</item>
/// <item>requests_growth / time_growth: a run while the target holds 100,000 other anomalies, over the direct run (and at 1,000);</item>
/// <item>runner_cpu_ms_per_request: the runner's own processor time per request it sent;</item>
/// <item>peer_ratio: our time per request over Dredd's, on the same OpenAPI document and target (when Dredd is installed).</item>
/// </list>
/// </summary>
public static class Bench
{
    private const int Rounds = 3;

    private sealed record Measure(string Name, double Seconds, int Requests, int Checks, int Rules, int CriticalPath, double CpuMs, int Exit, int Workers);

    public static async Task<int> RunAsync(RunSettings settings, Assembly suite, TextWriter console)
    {
        var folder = settings.OutputDirectory;
        Directory.CreateDirectory(folder);
        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        await using var server = await ReferenceServerProcess.StartAsync(ReferenceServerProcess.LocateDll(settings.ReferenceServerDll), key, [], TimeSpan.FromSeconds(60));
        console.WriteLine($"Benchmark against the embedded reference server ({server.Url}); each run is a full conformance run");

        var all = new List<Measure>();
        async Task<Measure> RunOnceAsync(string name, Uri target, int? workers = null)
        {
            var run = settings with
            {
                TargetUrl = target,
                ProvisioningKey = key,
                OutputDirectory = Path.Combine(folder, name),
                LatestLink = null,
                InteractiveConsole = false,
                RunId = $"cf{Random.Shared.Next():x}",
                AdaptiveWorkers = workers is null,
                Workers = workers ?? 4,
                FaultMatrix = false,
            };
            using var runner = Process.GetCurrentProcess();
            var cpuBefore = runner.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var said = new StringWriter();
            var exit = await ConformanceRunner.RunAsync(run, suite, said);
            clock.Stop();
            runner.Refresh();
            var results = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(run.OutputDirectory, "results.json")))!;
            var tests = results["tests"]!.AsArray();
            var rules = results["rules"]!.AsArray().Count(r => r!["verdict"]!.GetValue<string>() is "passed" or "failed");
            var used = said.ToString().Split('\n').FirstOrDefault(l => l.StartsWith("Parallelism: ", StringComparison.Ordinal)) is { } line
                ? int.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture)
                : workers ?? 4;
            var measure = new Measure(
                name,
                clock.Elapsed.TotalSeconds,
                results["requests"]!["total"]!.GetValue<int>(),
                tests.Count,
                rules,
                LongestChain(Path.Combine(run.OutputDirectory, "exchanges.ndjson")),
                (runner.TotalProcessorTime - cpuBefore).TotalMilliseconds,
                exit,
                used);
            if (!name.StartsWith("warm-up", StringComparison.Ordinal))
            {
                all.Add(measure);
            }

            console.WriteLine($"  {name,-16} {measure.Seconds,7:0.0} s  {measure.Requests,6} requests  {measure.Rules} rules judged  {measure.Workers} workers  exit {exit}");
            return measure;
        }

        // The first runs in a process pay for compiling the runner, the suite and the server (the runtime keeps
        // recompiling hot code for a while): four are run and not measured.
        for (var i = 1; i <= 4; i++)
        {
            await RunOnceAsync($"warm-up-{i}", server.Url);
        }

        // The machine is shared (a virtual one, its neighbours unseen) and the runtime keeps optimising hot code for
        // a while: one run of each kind would measure whichever was luckier. Direct and delayed runs alternate
        // over three rounds, and each kind counts its quickest run: noise only ever adds time.
        var directs = new List<Measure>();
        var near = new List<Measure>();
        var far = new List<Measure>();
        await using (var line50 = DelayLine.Start(server.Url, TimeSpan.FromMilliseconds(50)))
        await using (var line150 = DelayLine.Start(server.Url, TimeSpan.FromMilliseconds(150)))
        {
            for (var round = 1; round <= Rounds; round++)
            {
                directs.Add(await RunOnceAsync($"direct-{round}", server.Url));
                near.Add(await RunOnceAsync($"delay-50ms-{round}", line50.Url));
                far.Add(await RunOnceAsync($"delay-150ms-{round}", line150.Url));
            }
        }

        var serial = await RunOnceAsync("one-worker", server.Url, workers: 1);
        var direct = Quickest(directs);
        var near50 = Quickest(near);
        var far150 = Quickest(far);
        await FillAsync(server.Url, key, 1_000);
        var holding1k = Quickest([await RunOnceAsync("holding-1k-1", server.Url), await RunOnceAsync("holding-1k-2", server.Url)]);
        await FillAsync(server.Url, key, 99_000);
        var holding100k = Quickest([await RunOnceAsync("holding-100k-1", server.Url), await RunOnceAsync("holding-100k-2", server.Url)]);
        var peer = await DreddAsync(server.Url, key, settings, console);

        var bench = new JsonObject
        {
            ["machine"] = $"{Environment.ProcessorCount} cores, {RuntimeInfo()}",
            ["baseline_seconds"] = Math.Round(direct.Seconds, 2),
            ["latency_penalty_50ms"] = Ratio(near50.Seconds, direct.Seconds),
            ["latency_penalty_150ms"] = Ratio(far150.Seconds, direct.Seconds),
            ["requests_per_run"] = direct.Requests,
            ["requests_per_rule"] = Math.Round((double)direct.Requests / Math.Max(1, direct.Rules), 1),
            // Read where the round trip separates the links: through the 50 ms line.
            ["critical_path_requests"] = near50.CriticalPath,
            ["parallel_speedup"] = Ratio(serial.Seconds, direct.Seconds),
            ["requests_growth"] = Ratio(holding100k.Requests, direct.Requests),
            ["time_growth"] = Ratio(holding100k.Seconds, direct.Seconds),
            ["requests_growth_1k"] = Ratio(holding1k.Requests, direct.Requests),
            ["time_growth_1k"] = Ratio(holding1k.Seconds, direct.Seconds),
            ["runner_cpu_ms_per_request"] = Math.Round(direct.CpuMs / Math.Max(1, direct.Requests), 3),
            // Our time per request over Dredd's: below 1, the suite spends less per request than the peer.
            ["peer_ratio"] = peer?["ms_per_request"] is JsonValue dreddMs ? Ratio(direct.Seconds * 1000 / Math.Max(1, direct.Requests), dreddMs.GetValue<double>()) : null,
            ["peer"] = peer,
            ["runs"] = new JsonArray([.. all.Select(m => (JsonNode)new JsonObject
            {
                ["name"] = m.Name,
                ["seconds"] = Math.Round(m.Seconds, 2),
                ["requests"] = m.Requests,
                ["checks"] = m.Checks,
                ["rules_judged"] = m.Rules,
                ["workers"] = m.Workers,
                ["runner_cpu_ms"] = Math.Round(m.CpuMs),
                ["exit"] = m.Exit,
            })]),
        };
        var path = Path.Combine(folder, "bench.json");
        await File.WriteAllTextAsync(path, bench.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        console.WriteLine();
        foreach (var (name, value) in bench.Where(p => p.Value is JsonValue))
        {
            console.WriteLine($"  {name,-28} {value}");
        }

        console.WriteLine($"Benchmark: {path}");
        return all.All(m => m.Exit == ConformanceRunner.ExitConformant) ? ConformanceRunner.ExitConformant : ConformanceRunner.ExitNotConformant;
    }

    /// <summary>
    /// The longest chain of one check's requests that each waited for the one before: requests of a check that
    /// overlap in time were sent together and make one link.
    /// </summary>
    private static int LongestChain(string exchangesFile)
    {
        var longest = 0;
        var exchanges = File.ReadLines(exchangesFile)
            .Select(line => JsonNode.Parse(line)!)
            .Select(e => (Check: e["testId"]?.GetValue<string>() ?? "", Start: e["startedAt"]!.GetValue<DateTimeOffset>(), Ms: e["durationMs"]!.GetValue<double>()));
        foreach (var check in exchanges.GroupBy(e => e.Check))
        {
            var links = 0;
            var linkEnds = DateTimeOffset.MinValue;
            foreach (var (_, start, ms) in check.OrderBy(e => e.Start))
            {
                var end = start.AddMilliseconds(ms);
                if (start >= linkEnds)
                {
                    links++;
                    linkEnds = end;
                }
                else if (end > linkEnds)
                {
                    linkEnds = end;
                }
            }

            longest = Math.Max(longest, links);
        }

        return longest;
    }

    private static Measure Quickest(IEnumerable<Measure> runs) => runs.MinBy(m => m.Seconds)!;

    private static double Ratio(double value, double baseline) => Math.Round(value / Math.Max(baseline, 1e-9), 3);

    private static string RuntimeInfo() => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;

    /// <summary>Other anomalies the target holds, in a datastore of their own: the checks must not grow with them.</summary>
    private static async Task FillAsync(Uri target, string key, int count)
    {
        using var provisioner = Provisioner.For(target, key);
        const int chunk = 10_000;
        for (var done = 0; done < count; done += chunk)
        {
            var n = Math.Min(chunk, count - done);
            var suffix = $"{Random.Shared.Next():x}";
            var batch = new JsonObject
            {
                ["run"] = "bench-filler",
                ["datastores"] = new JsonArray(new JsonObject
                {
                    ["key"] = "ds",
                    ["name"] = $"bench filler {suffix}",
                    ["containers"] = new JsonArray(new JsonObject { ["key"] = "c", ["name"] = "filler" }),
                }),
                ["anomalies"] = new JsonArray([.. Enumerable.Range(0, n).Select(i => (JsonNode)new JsonObject
                {
                    ["key"] = $"f{i}",
                    ["datastore"] = "ds",
                    ["container"] = "c",
                    ["description"] = $"filler {done + i}",
                    ["weight"] = i % 100,
                })]),
            };
            try
            {
                await provisioner.Client.BatchAsync(batch);
            }
            catch (TargetErrorException e)
            {
                throw new SetupException($"filling the target with {n} anomalies failed: {e.Message}", e);
            }
        }
    }

    /// <summary>
    /// Dredd on the same document and target as an Admin, when it is installed (npm; `dredd` on the PATH or
    /// in node_modules): its time per request beside ours. Null when it is not there: the bench says so.
    /// </summary>
    private static async Task<JsonObject?> DreddAsync(Uri target, string key, RunSettings settings, TextWriter console)
    {
        var bench = Path.Combine(RepositoryLayout.Root(), "tools", "bench");
        var dredd = Path.Combine(bench, "node_modules", ".bin", "dredd");
        if (!File.Exists(dredd))
        {
            // The version tools/bench/package-lock.json pins, installed on first use (npm's registry is reachable).
            var install = new ProcessStartInfo("npm") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = bench };
            foreach (var argument in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
            {
                install.ArgumentList.Add(argument);
            }

            try
            {
                using var npm = Process.Start(install)!;
                await npm.StandardOutput.ReadToEndAsync();
                await npm.StandardError.ReadToEndAsync();
                await npm.WaitForExitAsync();
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // No npm here: the peer is simply not measured.
            }
        }

        if (!File.Exists(dredd))
        {
            console.WriteLine("  peer: Dredd could not be installed (npm ci in tools/bench), so no peer_ratio");
            return null;
        }

        using var provisioner = Provisioner.For(target, key);
        var provisioned = await provisioner.Client.BatchAsync(JsonNode.Parse(
            """
            {"run": "bench-dredd", "users": [{"key": "admin", "name": "Bench Admin", "email": "bench@example.test", "role": "Admin"}],
             "datastores": [{"key": "ds", "name": "bench dredd", "containers": [{"key": "c", "name": "dredd"}]}],
             "anomalies": [{"key": "a", "datastore": "ds", "container": "c", "description": "for Dredd"}]}
            """)!.AsObject());
        var token = provisioned["users"]!["admin"]!["token"]!.GetValue<string>();
        var anomaly = provisioned["anomalies"]!["a"]!["id"]!.GetValue<long>();

        // Dredd wants an example for every path parameter, which the document leaves open (the suite brings its
        // own fixtures): it reads a copy naming the anomaly provisioned for it.
        var document = Core.Specs.OpenApiContract.Load(settings.OpenApiPath);
        foreach (var parameter in document.Paths.Values.SelectMany(p => p.Parameters.Concat(p.Operations.Values.SelectMany(o => o.Parameters)))
                     .Where(p => p.In == Microsoft.OpenApi.Models.ParameterLocation.Path))
        {
            parameter.Example = new Microsoft.OpenApi.Any.OpenApiLong(anomaly);
        }

        var forDredd = Path.Combine(settings.OutputDirectory, "dredd.openapi.yaml");
        await File.WriteAllTextAsync(forDredd, Microsoft.OpenApi.Extensions.OpenApiSerializableExtensions.SerializeAsYaml(document, Microsoft.OpenApi.OpenApiSpecVersion.OpenApi3_0));
        var start = new ProcessStartInfo(dredd) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { forDredd, target.ToString().TrimEnd('/'), "--header", $"Authorization: Bearer {token}", "--loglevel", "warning" })
        {
            start.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        clock.Stop();
        // "complete: 12 passing, 3 failing, 0 errors, 0 skipped, 15 total"
        var total = System.Text.RegularExpressions.Regex.Match(output, @"(\d+) total") is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        if (total == 0)
        {
            console.WriteLine("  peer: Dredd ran no transaction, so no peer_ratio");
            return new JsonObject { ["tool"] = "dredd", ["transactions"] = 0 };
        }

        var perRequest = clock.Elapsed.TotalMilliseconds / total;
        return new JsonObject
        {
            ["tool"] = "dredd",
            ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2),
            ["requests"] = total,
            ["checks_per_request"] = 1,
            ["ms_per_request"] = Math.Round(perRequest, 2),
        };
    }

    /// <summary>The provisioning extension's client for the bench's own setup, recording nothing (no report is written for it).</summary>
    private sealed class Provisioner(ExchangeRecorder recorder, ApiClient api, string key) : IDisposable
    {
        public ProvisioningClient Client { get; } = new(api, key);

        public static Provisioner For(Uri target, string key)
        {
            var recorder = new ExchangeRecorder(null);
            return new Provisioner(recorder, new ApiClient(target, recorder, new Redactor(), TimeSpan.FromMinutes(5)), key);
        }

        public void Dispose()
        {
            api.Dispose();
            recorder.Dispose();
        }
    }
}
