using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using AnomaliesConformance.Core.Catalogue;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Core.Reporting;
using AnomaliesConformance.Core.Specs;

namespace AnomaliesConformance.Core.Running;

/// <summary>
/// One conformance run end to end: start (or reach) the target, provision the cast, run the tests,
/// write the reports, and answer the documented exit code.
/// </summary>
public static class ConformanceRunner
{
    public const int ExitConformant = 0;
    public const int ExitNotConformant = 1;
    public const int ExitUsage = 2;
    public const int ExitTargetUnreachable = 3;

    public static async Task<int> RunAsync(RunSettings settings, Assembly suite, TextWriter console)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var catalogue = RuleCatalogue.Load(settings.RulesPath);
        var contract = OpenApiContract.Load(settings.OpenApiPath);
        Directory.CreateDirectory(settings.OutputDirectory);

        var redactor = new Redactor();
        var provisioningKey = settings.ProvisioningKey ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        redactor.Register(provisioningKey, "<provisioning-key>");
        console.WriteLine($"Anomalies API conformance run, seed {settings.Seed} (rerun with --seed {settings.Seed})");

        await using var server = settings.TargetUrl is null
            ? await StartReferenceServerAsync(settings, provisioningKey, console)
            : null;
        var target = settings.TargetUrl ?? server!.Url;
        console.WriteLine($"Target: {target}");

        using var recorder = new ExchangeRecorder(Path.Combine(settings.OutputDirectory, "exchanges.ndjson"));
        using var api = new ApiClient(target, recorder, redactor, settings.RequestTimeout);
        await WaitUntilAnsweringAsync(api, settings.RequestTimeout);

        var provisioning = new ProvisioningClient(api, provisioningKey);
        IReadOnlyDictionary<string, Actor> cast = new Dictionary<string, Actor>();
        string? provisioningUnavailable = null;
        using (ExchangeRecorder.Scope("run-setup"))
        {
            try
            {
                cast = await CastProvisioner.ProvisionAsync(provisioning, redactor, $"cf{settings.Seed:x}");
            }
            catch (TargetErrorException e) when (e.Exchange?.Status == 404)
            {
                // No provisioning extension (a mock, or a deployment without it): run what needs no fixtures.
                provisioningUnavailable = $"the target has no provisioning extension (POST /api/_provisioning/batch answered 404)";
                console.WriteLine($"Provisioning unavailable: {provisioningUnavailable}; checks that need fixtures end inconclusive");
            }
            catch (TargetErrorException e)
            {
                throw new SetupException("provisioning the run's users failed: " + e.Message, e);
            }
        }

        ConformanceRun.Install(new ConformanceRun(settings, api, recorder, redactor, catalogue, provisioning, cast)
        {
            Contract = contract,
            ProvisioningUnavailable = provisioningUnavailable,
        });
        var outcomes = new EmbeddedTestRunner(recorder, console).Run(suite, settings.RuleFilter, settings.Workers, settings.Seed);
        if (outcomes.Count == 0)
        {
            throw new ConfigurationException(settings.RuleFilter.Count == 0
                ? "the suite holds no tests"
                : $"no test checks rule(s) {string.Join(", ", settings.RuleFilter)}");
        }

        var report = RunReport.Build(
            catalogue,
            outcomes,
            redactor.Redact(target.ToString()),
            settings.Seed,
            started,
            clock.Elapsed,
            settings.ReferenceFaults,
            contract.Info.Version);
        WriteReports(report, settings, console);
        WriteSpecCoverage(SpecCoverage.Measure(settings.OpenApiPath, contract, recorder.All(), target), settings.OutputDirectory, console);
        return report.Conformant ? ExitConformant : ExitNotConformant;
    }

    private static async Task<ReferenceServerProcess> StartReferenceServerAsync(RunSettings settings, string provisioningKey, TextWriter console)
    {
        var dll = ReferenceServerProcess.LocateDll(settings.ReferenceServerDll);
        var server = await ReferenceServerProcess.StartAsync(dll, provisioningKey, settings.ReferenceFaults, TimeSpan.FromSeconds(60));
        console.WriteLine(settings.ReferenceFaults.Count == 0
            ? "Started the embedded reference server"
            : $"Started the embedded reference server with faults: {string.Join(", ", settings.ReferenceFaults)}");
        return server;
    }

    private static async Task WaitUntilAnsweringAsync(ApiClient api, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        using (ExchangeRecorder.Scope("run-setup"))
        {
            while (true)
            {
                try
                {
                    // Any HTTP answer means the target is up; 401 is the expected one without a token.
                    await api.GetAsync(Actor.Anonymous, "/api/anomalies?size=1");
                    return;
                }
                catch (TargetErrorException e) when (DateTime.UtcNow < deadline)
                {
                    _ = e;
                    await Task.Delay(250);
                }
                catch (TargetErrorException e)
                {
                    throw new SetupException($"target {api.BaseUrl} is unreachable: {e.Exchange?.TransportError ?? e.Message}", e);
                }
            }
        }
    }

    private static void WriteReports(RunReport report, RunSettings settings, TextWriter console)
    {
        var outDir = settings.OutputDirectory;
        ResultsJsonWriter.Write(report, Path.Combine(outDir, "results.json"));
        JunitWriter.Write(report, Path.Combine(outDir, "junit.xml"));
        HtmlReportWriter.Write(report, Path.Combine(outDir, "index.html"));
        if (settings.LatestLink is not null)
        {
            PointLatestAt(settings.LatestLink, outDir);
        }

        ConsoleSummary.Write(report, console, settings.LatestLink ?? outDir);
    }

    /// <summary>spec-coverage.json and its Cobertura twin; run-conformance.sh renders the latter with ReportGenerator.</summary>
    private static void WriteSpecCoverage(SpecCoverage coverage, string outDir, TextWriter console)
    {
        coverage.WriteJson(Path.Combine(outDir, "spec-coverage.json"));
        coverage.WriteCobertura(Path.Combine(outDir, "spec-coverage.cobertura.xml"));
        console.WriteLine($"Spec coverage: {coverage.Summary()} exercised (spec-coverage.json)");
    }

    private static void PointLatestAt(string link, string target)
    {
        var existing = new FileInfo(link);
        if (existing.LinkTarget is not null)
        {
            existing.Delete();
        }
        else if (Directory.Exists(link))
        {
            Directory.Delete(link, recursive: true);
        }

        // A relative link keeps working when the repository is moved or mounted elsewhere.
        Directory.CreateSymbolicLink(link, Path.GetRelativePath(Path.GetDirectoryName(link)!, target));
    }
}
