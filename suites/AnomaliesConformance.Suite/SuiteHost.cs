using System.Globalization;
using System.Security.Cryptography;
using AnomaliesConformance.Core;
using AnomaliesConformance.Core.Catalogue;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Core.Specs;
using AnomaliesConformance.Core.Targets;
using NUnit.Framework;

namespace AnomaliesConformance.Suite;

/// <summary>
/// Gives the scenarios a run when they are started by <c>dotnet test</c> or an IDE rather than by the runner
/// (which installs its own, and then this does nothing). The target comes from the environment or a
/// <c>.runsettings</c> file's TestRunParameters, the way Npgsql's tests take their database:
/// <list type="bullet">
/// <item><c>CONFORMANCE_TARGET</c> / <c>target</c>: the deployment's base URL, with
/// <c>CONFORMANCE_PROVISIONING_KEY</c> / <c>provisioningKey</c>; without one the embedded reference server is
/// started on a free port with a fresh database;</item>
/// <item><c>CONFORMANCE_REFERENCE_FAULT</c> / <c>referenceFault</c>: faults of the embedded server (NAME[,NAME]);</item>
/// <item><c>CONFORMANCE_EXPECT</c> / <c>expect</c>: KEY=VALUE[,KEY=VALUE], a disputed behaviour's expected answer;</item>
/// <item><c>CONFORMANCE_SEED</c> / <c>seed</c>: the fixtures' seed (default 4242).</item>
/// </list>
/// What the run provisioned is torn down afterwards. Exchanges are not reported here: a report is the runner's.
/// </summary>
[SetUpFixture]
public sealed class SuiteHost
{
    private ReferenceServerProcess? server;
    private ExchangeRecorder? recorder;
    private ApiClient? api;
    private ConformanceRun? run;

    [OneTimeSetUp]
    public async Task InstallARunUnlessTheRunnerDid()
    {
        if (ConformanceRun.IsInstalled)
        {
            return;
        }

        var target = Setting("CONFORMANCE_TARGET", "target");
        var key = Setting("CONFORMANCE_PROVISIONING_KEY", "provisioningKey") ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var faults = List(Setting("CONFORMANCE_REFERENCE_FAULT", "referenceFault"));
        if (target is not null && faults.Count > 0)
        {
            throw new ConfigurationException("CONFORMANCE_REFERENCE_FAULT applies to the embedded reference server only, not to CONFORMANCE_TARGET");
        }

        var settings = new RunSettings
        {
            TargetUrl = target is null ? null : new Uri(target),
            ProvisioningKey = key,
            ReferenceFaults = faults,
            OutputDirectory = Directory.CreateTempSubdirectory("anomalies-dotnet-test-").FullName,
            Seed = int.Parse(Setting("CONFORMANCE_SEED", "seed") ?? "4242", CultureInfo.InvariantCulture),
            SpecsDirectory = Path.Combine(RepositoryLayout.Root(), "specs"),
            Expectations = List(Setting("CONFORMANCE_EXPECT", "expect"))
                .Select(pair => pair.Split('=', 2))
                .ToDictionary(p => p[0], p => p.Length == 2 ? p[1] : throw new ConfigurationException($"CONFORMANCE_EXPECT: '{p[0]}' is not KEY=VALUE")),
        };

        if (settings.TargetUrl is null)
        {
            server = await ReferenceServerProcess.StartAsync(RepositoryLayout.BuiltDll("AnomaliesConformance.ReferenceServer"), key, faults, TimeSpan.FromSeconds(60));
        }

        var redactor = new Redactor();
        redactor.Register(key, "<provisioning-key>");
        recorder = new ExchangeRecorder(null, redactor);
        api = new ApiClient(settings.TargetUrl ?? server!.Url, recorder, redactor, settings.RequestPolicy);
        var provisioning = new ProvisioningClient(api, key);
        var cast = await CastProvisioner.ProvisionAsync(provisioning, redactor, settings.RunId);
        run = new ConformanceRun(settings, api, recorder, redactor, RuleCatalogue.Load(settings.RulesPath), provisioning, cast)
        {
            Contract = OpenApiContract.Load(settings.OpenApiPath),
        };
        ConformanceRun.Install(run);
    }

    [OneTimeTearDown]
    public async Task TearDown()
    {
        if (run is not null)
        {
            await run.Provisioning.TeardownAsync(run.RunPrefix);
        }

        api?.Dispose();
        recorder?.Dispose();
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    private static string? Setting(string environmentVariable, string runSettingsParameter) =>
        Environment.GetEnvironmentVariable(environmentVariable) is { Length: > 0 } value
            ? value
            : TestContext.Parameters.Get(runSettingsParameter);

    private static List<string> List(string? commaSeparated) =>
        (commaSeparated ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
