using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;

namespace AnomaliesConformance.Core.Provisioning;

/// <summary>Talks to the provisioning extension (specs/provisioning.md): one batch call per fixture set.</summary>
public sealed class ProvisioningClient(ApiClient api, string key)
{
    private static readonly Actor Provisioner = new("provisioner", "provisioning", null, null, null);

    public Task<JsonObject> BatchAsync(JsonObject batch, CancellationToken ct = default) => BatchAsync(batch, answer => answer, ct);

    /// <summary>
    /// Sends one batch and reads what the caller needs from the answer. An answer that lacks what was
    /// provisioned (a missing id, a value of the wrong type) is a target error naming the exchange, not a
    /// crash of the suite.
    /// </summary>
    public async Task<T> BatchAsync<T>(JsonObject batch, Func<JsonObject, T> read, CancellationToken ct = default)
    {
        var response = await api.SendAsync(
            Provisioner,
            HttpMethod.Post,
            "/api/_provisioning/batch",
            batch.ToJsonString(),
            new Dictionary<string, string> { [ApiClient.ProvisioningKeyHeader] = key },
            ct,
            ExchangePurpose.Provision);
        if (response.Status != 201)
        {
            throw new TargetErrorException($"provisioning answered {response.Status}, expected 201: {Preview(response.Body)}", response.Exchange);
        }

        try
        {
            return read(response.Object);
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException or KeyNotFoundException or ArgumentException)
        {
            throw new TargetErrorException($"the provisioning answer lacks what was provisioned ({e.Message}): {Preview(response.Body)}", response.Exchange, e);
        }
    }

    private static string Preview(string body) => body.Length <= 500 ? body : body[..500] + $"... ({body.Length} chars)";

    public async Task<JsonArray> AuditLogAsync(long anomalyId, CancellationToken ct = default)
    {
        var response = await api.SendAsync(
            Provisioner,
            HttpMethod.Get,
            $"/api/_provisioning/audit-log?anomaly_id={anomalyId}",
            null,
            new Dictionary<string, string> { [ApiClient.ProvisioningKeyHeader] = key },
            ct,
            ExchangePurpose.Provision);
        if (response.Status != 200)
        {
            throw new TargetErrorException($"provisioning audit log answered {response.Status}, expected 200", response.Exchange);
        }

        return response.Array;
    }
}
