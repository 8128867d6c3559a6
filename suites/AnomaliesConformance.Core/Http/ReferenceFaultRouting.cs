using System.Net.Http.Headers;

namespace AnomaliesConformance.Core.Http;

/// <summary>
/// How a fault-matrix run talks to the one reference server that serves every fault: each request names
/// the fault it runs under (<see cref="Fault"/>), or, in the probe run, the check it belongs to, so the
/// server can record which faults' code each check reaches. The server honours both headers only beside
/// the provisioning key, which the recorder redacts like any other secret.
/// </summary>
public sealed record ReferenceFaultRouting(string ProvisioningKey, string? Fault, bool Probe)
{
    public const string FaultHeader = "X-Reference-Fault";
    public const string ProbeHeader = "X-Reference-Probe";

    public void Apply(HttpRequestHeaders headers, string testId)
    {
        if (!headers.Contains(ApiClient.ProvisioningKeyHeader))
        {
            headers.TryAddWithoutValidation(ApiClient.ProvisioningKeyHeader, ProvisioningKey);
        }

        if (Fault is not null)
        {
            headers.TryAddWithoutValidation(FaultHeader, Fault);
        }

        if (Probe)
        {
            // A check's full name may hold any character; a header value carries ASCII.
            headers.TryAddWithoutValidation(ProbeHeader, Uri.EscapeDataString(testId));
        }
    }
}
