using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;

namespace AnomaliesConformance.Core.Provisioning;

/// <summary>Talks to the provisioning extension (specs/provisioning.md): one batch call per fixture set.</summary>
public sealed class ProvisioningClient(ApiClient api, string key)
{
    private static readonly Actor Provisioner = new("provisioner", "provisioning", null, null, null);

    public async Task<JsonObject> BatchAsync(JsonObject batch, CancellationToken ct = default)
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
            throw new TargetErrorException($"provisioning answered {response.Status}, expected 201: {response.Body}", response.Exchange);
        }

        return response.Object;
    }

    /// <summary>Removes everything the run provisioned; answers what was removed and what remains.</summary>
    public async Task<JsonObject> TeardownAsync(string run, CancellationToken ct = default)
    {
        var response = await api.SendAsync(
            Provisioner,
            HttpMethod.Post,
            "/api/_provisioning/teardown",
            new JsonObject { ["run"] = run }.ToJsonString(),
            new Dictionary<string, string> { [ApiClient.ProvisioningKeyHeader] = key },
            ct,
            ExchangePurpose.Provision);
        if (response.Status != 200)
        {
            throw new TargetErrorException($"provisioning teardown answered {response.Status}, expected 200: {response.Body}", response.Exchange);
        }

        return response.Object;
    }

    public async Task<JsonObject> InventoryAsync(string run, CancellationToken ct = default)
    {
        var response = await api.SendAsync(
            Provisioner,
            HttpMethod.Get,
            $"/api/_provisioning/inventory?run={Uri.EscapeDataString(run)}",
            null,
            new Dictionary<string, string> { [ApiClient.ProvisioningKeyHeader] = key },
            ct,
            ExchangePurpose.Verify);
        if (response.Status != 200)
        {
            throw new TargetErrorException($"provisioning inventory answered {response.Status}, expected 200: {response.Body}", response.Exchange);
        }

        return response.Object;
    }

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
