using AnomaliesConformance.Core.Specs;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Any;
using Microsoft.OpenApi.Extensions;
using Microsoft.OpenApi.Models;

namespace AnomaliesConformance.SelfTests.Support;

/// <summary>
/// Copies of specs/anomalies.openapi.yaml changed in code, as a target might describe itself. A changed copy
/// goes through JSON and is read again, as the runner reads a target's description, so $refs resolve anew.
/// </summary>
public static class OpenApiDocuments
{
    public const string ListPath = "/api/anomalies";
    public const string RemovedPath = "/api/anomalies/{id}/failed-checks";
    public const string RemovedOperationId = "getAnomalyFailedChecks";
    public const string AddedParameter = "owner";
    public const string DroppedArchivedValue = "only";
    public const string AddedAnomalyProperty = "owner_name";
    public const string HistoryPath = "/api/anomalies/{id}/history";
    public const string RemovedHistoryStatus = "403";

    public static OpenApiDocument Specs() => OpenApiContract.Load(Repository.Specs("anomalies.openapi.yaml"));

    public static string Json(OpenApiDocument document) => document.SerializeAsJson(OpenApiSpecVersion.OpenApi3_0);

    public static OpenApiDocument Read(string text) =>
        OpenApiContract.TryRead(text, out var document, out var problem) ? document : throw new InvalidOperationException($"the changed copy {problem}");

    public static OpenApiDocument Changed(Action<OpenApiDocument> change)
    {
        var document = Specs();
        change(document);
        return Read(Json(document));
    }

    /// <summary>
    /// One change of each kind, none of which the reference server's behaviour contradicts, so a run from it
    /// still passes: an operation less, a query parameter more, an enum value less, an optional response
    /// property more, and a status code less (one no generated check provokes).
    /// </summary>
    public static void Drift(OpenApiDocument document)
    {
        document.Paths.Remove(RemovedPath);
        var list = document.Paths[ListPath].Operations[OperationType.Get];
        list.Parameters.Add(new OpenApiParameter { Name = AddedParameter, In = ParameterLocation.Query, Schema = new OpenApiSchema { Type = "string" } });
        var archived = list.Parameters.Single(p => p.Name == "archived").Schema.Enum;
        archived.Remove(archived.OfType<OpenApiString>().Single(v => v.Value == DroppedArchivedValue));
        document.Components.Schemas["Anomaly"].Properties[AddedAnomalyProperty] = new OpenApiSchema { Type = "string" };
        document.Paths[HistoryPath].Operations[OperationType.Get].Responses.Remove(RemovedHistoryStatus);
    }
}
