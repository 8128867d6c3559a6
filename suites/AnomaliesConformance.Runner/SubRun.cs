using System.Reflection;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Runner.Reporting;

namespace AnomaliesConformance.Runner;

/// <summary>
/// Some of a run's checks run again inside it (the fault matrix's reruns, a lost answer's second chance):
/// with the parent's cast, catalogue and contract, but a client, shared fixtures and a run id of their own,
/// so nothing of the parent's data is touched, and what they provisioned is torn down at once. The parent
/// is installed again afterwards.
/// </summary>
public static class SubRun
{
    public sealed record Result(ConformanceRun Run, IReadOnlyList<TestOutcome> Outcomes, CleanupCheck Cleanup);

    /// <param name="recorder">Where the sub-run's exchanges go: the parent's (they belong in its record) or one of its own.</param>
    /// <param name="routing">The reference fault the sub-run's requests carry, or null.</param>
    public static async Task<Result> RunAsync(
        ConformanceRun parent,
        Assembly suite,
        IReadOnlySet<string> checks,
        string runId,
        ExchangeRecorder recorder,
        RunFindings findings,
        ReferenceFaultRouting? routing = null,
        RunLedger? ledger = null,
        TextWriter? console = null)
    {
        var settings = parent.Settings with { RunId = runId };
        ledger?.AlsoRun(runId);
        using var api = new ApiClient(parent.Api.BaseUrl, recorder, parent.Redactor, settings.RequestPolicy) { FaultRouting = routing };
        var provisioning = parent.Provisioning.Through(api);
        // On existing data (the fault matrix on a staging-like reference server) the manifest's anomalies are
        // shared with the parent: what the parent's checks destroyed is not given again, and every mutable one is
        // put back by the parent's client, which carries no fault.
        var run = new ConformanceRun(settings, api, recorder, parent.Redactor, parent.Catalogue, provisioning, parent.Cast)
        {
            Contract = parent.Contract,
            Findings = findings,
            Manifest = parent.Manifest,
            ProvisioningUnavailable = parent.ProvisioningUnavailable,
        };
        IReadOnlyList<TestOutcome> outcomes;
        CleanupCheck cleanup;
        ConformanceRun.Install(run);
        try
        {
            var silent = new ConsoleProgress(TextWriter.Null, interactive: false, _ => null);
            var runner = new EmbeddedTestRunner(recorder, silent);
            outcomes = run.Manifest is null
                ? runner.Run(suite, [], [], settings.Workers, settings.Seed, onlyTests: checks)
                : ConformanceRunner.RunOnExistingData(run, runner, suite, checks);
        }
        finally
        {
            ConformanceRun.Install(parent);
            cleanup = await ConformanceRunner.TearDownAsync(provisioning, ledger, runId, console ?? TextWriter.Null);
        }

        return new Result(run, outcomes, cleanup);
    }
}
