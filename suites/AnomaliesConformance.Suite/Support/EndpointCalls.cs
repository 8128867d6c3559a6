using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Support;

/// <summary>What a call needs as its target: the shared anomaly of reads, or an anomaly of its own.</summary>
public enum CallTarget
{
    /// <summary>A read: every caller reads the same anomaly, which no read changes.</summary>
    SharedAnomaly,

    /// <summary>A write on an open (Active) anomaly of the caller's own.</summary>
    OwnOpenAnomaly,

    /// <summary>A write that needs an archived anomaly (hard delete).</summary>
    OwnArchivedAnomaly,

    /// <summary>A write on an open anomaly of the caller's own that already has one ticket link.</summary>
    OwnLinkedAnomaly,
}

/// <summary>The request one call sends, from its target.</summary>
public sealed record EndpointRequest(HttpMethod Method, string PathAndQuery, string? Body);

/// <summary>The anomaly (and ticket link) a call acts on, in the world it belongs to.</summary>
public sealed record EndpointTarget(World World, ProvisionedAnomaly Anomaly, long? LinkId);

/// <summary>
/// One request per endpoint of the page (and per permission-relevant variant of it), shared by the permission
/// matrix (specs/permissions.yaml names them by <see cref="Key"/>) and the authentication checks.
/// </summary>
public sealed record EndpointCall(string Key, string OperationId, CallTarget Target, Func<EndpointTarget, EndpointRequest> Build)
{
    public bool Writes => Target != CallTarget.SharedAnomaly;

    public bool TouchesTicketLinks => OperationId is "createTicketLink" or "deleteTicketLink";

    /// <summary>What the call may do to the target, refused or not (a faulty target may carry it out).</summary>
    public CheckEffect Effect => OperationId switch
    {
        "deleteAnomaly" or "bulkDeleteAnomalies" => CheckEffect.Destructive,
        _ => Writes ? CheckEffect.ReversibleWrite : CheckEffect.Read,
    };
}

public static class EndpointCalls
{
    private const string MatrixDescription = "edited by a permission check";

    public static IReadOnlyList<EndpointCall> All { get; } =
    [
        new("list", "listAnomalies", CallTarget.SharedAnomaly, t => Get($"/api/anomalies?datastore={t.World.DatastoreId}&size=1")),
        new("get", "getAnomaly", CallTarget.SharedAnomaly, t => Get($"/api/anomalies/{t.Anomaly.Id}")),
        new("failed-checks", "getAnomalyFailedChecks", CallTarget.SharedAnomaly, t => Get($"/api/anomalies/{t.Anomaly.Id}/failed-checks")),
        new("history", "getAnomalyHistory", CallTarget.SharedAnomaly, t => Get($"/api/anomalies/{t.Anomaly.Id}/history")),
        new("comments", "getAnomalyComments", CallTarget.SharedAnomaly, t => Get($"/api/anomalies/{t.Anomaly.Id}/comments")),
        new("source-record", "getAnomalySourceRecords", CallTarget.SharedAnomaly, t => Get($"/api/anomalies/{t.Anomaly.Id}/source-record")),
        new("source-record-unmasked", "getAnomalySourceRecords", CallTarget.SharedAnomaly, t => Get($"/api/anomalies/{t.Anomaly.Id}/source-record?include_masked=true")),
        new("download", "downloadAnomalySourceRecords", CallTarget.SharedAnomaly, t => Get($"/api/anomalies/{t.Anomaly.Id}/source-record/download")),
        new("download-unmasked", "downloadAnomalySourceRecords", CallTarget.SharedAnomaly, t => Get($"/api/anomalies/{t.Anomaly.Id}/source-record/download?include_masked=true")),
        new("ticket-links", "listTicketLinks", CallTarget.SharedAnomaly, t => Get($"/api/anomalies/{t.Anomaly.Id}/ticket-links")),
        new("update", "updateAnomaly", CallTarget.OwnOpenAnomaly, t => new(HttpMethod.Put, $"/api/anomalies/{t.Anomaly.Id}", """{"status": "Acknowledged"}""")),
        new("update-description", "updateAnomaly", CallTarget.OwnOpenAnomaly, t => new(
            HttpMethod.Put, $"/api/anomalies/{t.Anomaly.Id}", $$"""{"description": "{{MatrixDescription}}"}""")),
        new("bulk-update", "bulkUpdateAnomalies", CallTarget.OwnOpenAnomaly, t => new(
            HttpMethod.Patch, "/api/anomalies", $$"""[{"id": {{t.Anomaly.Id}}, "status": "Acknowledged"}]""")),
        new("bulk-update-description", "bulkUpdateAnomalies", CallTarget.OwnOpenAnomaly, t => new(
            HttpMethod.Patch, "/api/anomalies", $$"""[{"id": {{t.Anomaly.Id}}, "description": "{{MatrixDescription}}"}]""")),
        new("archive", "deleteAnomaly", CallTarget.OwnOpenAnomaly, t => new(HttpMethod.Delete, $"/api/anomalies/{t.Anomaly.Id}?archive=true&status=Resolved", null)),
        new("hard-delete", "deleteAnomaly", CallTarget.OwnArchivedAnomaly, t => new(HttpMethod.Delete, $"/api/anomalies/{t.Anomaly.Id}?archive=false", null)),
        new("bulk-archive", "bulkDeleteAnomalies", CallTarget.OwnOpenAnomaly, t => new(
            HttpMethod.Delete, "/api/anomalies", $$"""[{"id": {{t.Anomaly.Id}}, "archive": true, "status": "Resolved"}]""")),
        new("create-ticket-link", "createTicketLink", CallTarget.OwnOpenAnomaly, t => new(
            HttpMethod.Post, $"/api/anomalies/{t.Anomaly.Id}/ticket-links", TicketLinkBody(t.World, "INC-MATRIX"))),
        new("delete-ticket-link", "deleteTicketLink", CallTarget.OwnLinkedAnomaly, t => new(
            HttpMethod.Delete, $"/api/anomalies/{t.Anomaly.Id}/ticket-links/{t.LinkId}", null)),
    ];

    public static EndpointCall? Find(string key) => All.FirstOrDefault(c => c.Key == key);

    /// <summary>Every body field given, so the request stays valid whichever optional field a target insists on.</summary>
    public static string TicketLinkBody(World world, string ticketNumber) =>
        $$"""{"integration_id": {{world.Integrations[EndpointWorld.Integration]}}, "ticket_id": "sys-{{ticketNumber}}", "ticket_number": "{{ticketNumber}}", "ticket_url": "https://tickets.example/{{ticketNumber}}", "status": "New"}""";

    private static EndpointRequest Get(string pathAndQuery) => new(HttpMethod.Get, pathAndQuery, null);
}
