using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Runner.Reporting;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core;

namespace AnomaliesConformance.Runner;

/// <summary>
/// `--sweep LEDGER`: finishes what an interrupted run left on its target. Fixtures the run provisioned are
/// removed through the provisioning extension's teardown; existing (manifest) anomalies the run was
/// changing are put back to their ledger restore points as the profile's admin. Both are verified.
/// </summary>
public static class Sweeper
{
    public static async Task<int> RunAsync(string ledgerPath, Uri? targetOverride, string? provisioningKey, string? adminToken, TimeSpan timeout, TextWriter console)
    {
        var (runs, ledgerTarget) = RunLedger.Read(ledgerPath);
        var target = targetOverride ?? ledgerTarget ?? throw new ConfigurationException($"--sweep: {ledgerPath} names no target; give --target");
        var restorePoints = RunLedger.OpenRestorePoints(ledgerPath);
        if (provisioningKey is null && adminToken is null)
        {
            throw new ConfigurationException("--sweep needs --provisioning-key (or ANOMALIES_PROVISIONING_KEY, or a --profile)");
        }

        if (restorePoints.Count > 0 && adminToken is null)
        {
            throw new ConfigurationException($"--sweep: {ledgerPath} holds {restorePoints.Count} changed existing anomalies to put back; give the --profile whose fixtures.users.admin may write them");
        }

        var redactor = new Redactor();
        if (provisioningKey is not null)
        {
            redactor.Register(provisioningKey, "<provisioning-key>");
        }

        if (adminToken is not null)
        {
            redactor.Register(adminToken, "<token:admin>");
        }

        using var recorder = new ExchangeRecorder(null);
        using var api = new ApiClient(target, recorder, redactor, timeout);
        var clean = true;
        try
        {
            if (provisioningKey is not null)
            {
                var provisioning = new ProvisioningClient(api, provisioningKey);
                foreach (var run in runs.Distinct(StringComparer.Ordinal))
                {
                    clean &= (await ConformanceRunner.TearDownAsync(provisioning, null, run, console)).Verified;
                }
            }

            var admin = new Actor("admin", "Admin", null, null, adminToken);
            foreach (var (anomaly, before) in restorePoints)
            {
                string? difference;
                try
                {
                    difference = await ManifestFixtures.RestoreAsync(api, admin, anomaly, before);
                }
                catch (TargetErrorException e) when (e.Exchange?.TransportError is null)
                {
                    difference = e.Message;
                }

                console.WriteLine(difference is null ? $"Sweep: anomaly {anomaly} is back to its state before the run" : $"Sweep: anomaly {anomaly} could not be put back: {difference}");
                clean &= difference is null;
            }
        }
        catch (TargetErrorException e) when (e.Exchange?.TransportError is not null)
        {
            throw new SetupException($"target {target} is unreachable: {e.Exchange.TransportError}", e);
        }

        console.WriteLine(clean ? $"Sweep: {target} holds nothing of run(s) {string.Join(", ", runs.Distinct())}" : "Sweep: something is left; see above");
        return clean ? ConformanceRunner.ExitConformant : ConformanceRunner.ExitNotConformant;
    }
}
