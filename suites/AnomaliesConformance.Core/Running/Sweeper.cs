using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Core.Reporting;

namespace AnomaliesConformance.Core.Running;

/// <summary>
/// `--sweep LEDGER`: removes what an interrupted run left on its target, from the run ids its ledger names,
/// through the provisioning extension's teardown, and verifies nothing is left.
/// </summary>
public static class Sweeper
{
    public static async Task<int> RunAsync(string ledgerPath, Uri? targetOverride, string provisioningKey, TimeSpan timeout, TextWriter console)
    {
        var (runs, ledgerTarget) = RunLedger.Read(ledgerPath);
        var target = targetOverride ?? ledgerTarget ?? throw new ConfigurationException($"--sweep: {ledgerPath} names no target; give --target");
        var redactor = new Redactor();
        redactor.Register(provisioningKey, "<provisioning-key>");
        using var recorder = new ExchangeRecorder(null);
        using var api = new ApiClient(target, recorder, redactor, timeout);
        var provisioning = new ProvisioningClient(api, provisioningKey);
        var clean = true;
        foreach (var run in runs.Distinct(StringComparer.Ordinal))
        {
            CleanupCheck check;
            try
            {
                check = await ConformanceRunner.TearDownAsync(provisioning, null, run, console);
            }
            catch (TargetErrorException e) when (e.Exchange?.TransportError is not null)
            {
                throw new SetupException($"target {target} is unreachable: {e.Exchange.TransportError}", e);
            }

            clean &= check.Verified;
        }

        console.WriteLine(clean ? $"Sweep: {target} holds nothing of run(s) {string.Join(", ", runs.Distinct())}" : "Sweep: something is left; see above");
        return clean ? ConformanceRunner.ExitConformant : ConformanceRunner.ExitNotConformant;
    }
}
