using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Core.Reporting;
using AnomaliesConformance.Core.Running;
using NUnit.Framework;

namespace AnomaliesConformance.Suite.Support;

/// <summary>
/// Base of every scenario: the run's client and cast, one-call provisioning of the test's own world, and
/// the API calls of the page. Tests are independent and run in parallel.
/// </summary>
[Parallelizable(ParallelScope.All)]
public abstract class ConformanceTest
{
    protected static ConformanceRun Run => ConformanceRun.Current;

    protected static ApiClient Api => Run.Api;

    protected static Actor As(string castLabel) => Run.Actor(castLabel);

    protected static Actor Admin => As("admin");

    protected static RunFindings Findings => Run.Findings;

    protected static Task<World> ProvisionAsync(Action<WorldBuilder> describe) =>
        Run.ProvisionAsync(TestContext.CurrentContext.Test.FullName, describe);

    protected static Task<World> ProvisionOneAsync(AnomalySpec? spec = null) =>
        ProvisionAsync(b => b.Anomaly("a", spec));

    protected static Task<ApiResponse> GetAnomalyAsync(Actor actor, object idOrUuid, string query = "") =>
        Api.GetAsync(actor, $"/api/anomalies/{idOrUuid}{query}");

    protected static Task<ApiResponse> ListAsync(Actor actor, params (string Name, object Value)[] query) =>
        Api.GetAsync(actor, "/api/anomalies" + Query.String(query));

    protected static Task<ApiResponse> PutAsync(Actor actor, object idOrUuid, string jsonBody) =>
        Api.SendAsync(actor, HttpMethod.Put, $"/api/anomalies/{idOrUuid}", jsonBody);

    protected static Task<ApiResponse> PatchAsync(Actor actor, string jsonBody) =>
        Api.SendAsync(actor, HttpMethod.Patch, "/api/anomalies", jsonBody);

    protected static Task<ApiResponse> DeleteAsync(Actor actor, object idOrUuid, string query = "", string? jsonBody = null) =>
        Api.SendAsync(actor, HttpMethod.Delete, $"/api/anomalies/{idOrUuid}{query}", jsonBody);

    protected static Task<ApiResponse> BulkDeleteAsync(Actor actor, string jsonBody) =>
        Api.SendAsync(actor, HttpMethod.Delete, "/api/anomalies", jsonBody);

    protected static Task<ApiResponse> HistoryAsync(Actor actor, object idOrUuid, string query = "") =>
        Api.GetAsync(actor, $"/api/anomalies/{idOrUuid}/history{query}");

    protected static Task<ApiResponse> CommentsAsync(Actor actor, object idOrUuid, string query = "") =>
        Api.GetAsync(actor, $"/api/anomalies/{idOrUuid}/comments{query}");

    /// <summary>
    /// The anomaly as an Admin sees it, for "nothing changed" comparisons. Admin reads are used so a
    /// denied caller's missing permission cannot hide a change. The answer must be the anomaly asked for
    /// (its id and uuid): when the numeric form answers another anomaly or nothing, the UUID form is used,
    /// so a broken lookup (GET-BY-ID, GET-BY-UUID) is reported by its own rule, not by every scenario.
    /// </summary>
    protected static async Task<JsonObject> SnapshotAsync(ProvisionedAnomaly anomaly)
    {
        var byId = await Api.GetAsync(Admin, $"/api/anomalies/{anomaly.Id}?include_deleted=true", purpose: ExchangePurpose.Verify);
        if (IsTheAnomaly(byId, anomaly))
        {
            return byId.Object;
        }

        var byUuid = await Api.GetAsync(Admin, $"/api/anomalies/{anomaly.Uuid}?include_deleted=true", purpose: ExchangePurpose.Verify);
        if (IsTheAnomaly(byUuid, anomaly))
        {
            return byUuid.Object;
        }

        throw new TargetErrorException(
            $"cannot read anomaly {anomaly.Id} back: by id the target answered {byId.Status}, by uuid {byUuid.Status}, neither with that anomaly",
            byUuid.Exchange);
    }

    private static bool IsTheAnomaly(ApiResponse response, ProvisionedAnomaly anomaly) =>
        response.Status == 200
        && response.Json is JsonObject found
        && found["id"] is JsonValue id && id.TryGetValue<long>(out var foundId) && foundId == anomaly.Id
        && string.Equals(found["uuid"]?.GetValue<string>(), anomaly.Uuid, StringComparison.OrdinalIgnoreCase);
}
