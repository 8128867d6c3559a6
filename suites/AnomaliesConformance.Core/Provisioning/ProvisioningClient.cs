using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;

namespace AnomaliesConformance.Core.Provisioning;

/// <summary>Talks to the provisioning extension (specs/provisioning.md): one batch call per fixture set.</summary>
public sealed class ProvisioningClient(ApiClient api, string key)
{
    private static readonly Actor Provisioner = new("provisioner", "provisioning", null, null, null);

    public Task<JsonObject> BatchAsync(JsonObject batch, CancellationToken ct = default) => BatchAsync(batch, answer => answer, ct);

    /// <summary>The same extension and key, through another client (a sub-run's, recording its own way).</summary>
    public ProvisioningClient Through(ApiClient other) => new(other, key);

    /// <summary>
    /// Sends one batch and reads what the caller needs from the answer. An answer that lacks what was
    /// provisioned (a missing id, a value of the wrong type) is a target error naming the exchange, not a
    /// crash of the suite.
    /// </summary>
    public async Task<T> BatchAsync<T>(JsonObject batch, Func<JsonObject, T> read, CancellationToken ct = default)
    {
        var response = await SendAsync(HttpMethod.Post, "/api/_provisioning/batch", batch, 201, ExchangePurpose.Provision, ct);
        try
        {
            return read(response.Object);
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException or KeyNotFoundException or ArgumentException)
        {
            throw new TargetErrorException($"the provisioning answer lacks what was provisioned ({e.Message}): {Preview(response.Body)}", response.Exchange, e);
        }
    }

    /// <summary>Removes everything the run provisioned; answers what was removed and what remains.</summary>
    public async Task<JsonObject> TeardownAsync(string run, CancellationToken ct = default) =>
        (await SendAsync(HttpMethod.Post, "/api/_provisioning/teardown", new JsonObject { ["run"] = run }, 200, ExchangePurpose.Provision, ct)).Object;

    public async Task<JsonObject> InventoryAsync(string run, CancellationToken ct = default) =>
        (await SendAsync(HttpMethod.Get, $"/api/_provisioning/inventory?run={Uri.EscapeDataString(run)}", null, 200, ExchangePurpose.Verify, ct)).Object;

    public async Task<JsonArray> AuditLogAsync(long anomalyId, CancellationToken ct = default) =>
        (await SendAsync(HttpMethod.Get, $"/api/_provisioning/audit-log?anomaly_id={anomalyId}", null, 200, ExchangePurpose.Verify, ct)).Array;

    /// <summary>The embedded reference server's fault gates: which faults' code each probed check reached.</summary>
    public async Task<JsonObject> FaultGatesAsync(CancellationToken ct = default) =>
        (await SendAsync(HttpMethod.Get, "/api/_provisioning/fault-gates", null, 200, ExchangePurpose.Verify, ct)).Object;

    private static string Preview(string body) => body.Length <= 500 ? body : body[..500] + $"... ({body.Length} chars)";

    private async Task<ApiResponse> SendAsync(HttpMethod method, string path, JsonObject? body, int expected, string purpose, CancellationToken ct)
    {
        var response = await api.SendAsync(
            Provisioner,
            method,
            path,
            body?.ToJsonString(),
            new Dictionary<string, string> { [ApiClient.ProvisioningKeyHeader] = key },
            ct,
            purpose);
        return response.Status == expected
            ? response
            : throw new TargetErrorException($"provisioning {method} {path} answered {response.Status}, expected {expected}: {Preview(response.Body)}", response.Exchange);
    }
}
