using System.Globalization;
using Microsoft.OpenApi.Models;

namespace AnomaliesConformance.Suite.Contract;

/// <summary>One operation of the OpenAPI document, with its path-level parameters merged in.</summary>
public sealed class ContractOperation
{
    private ContractOperation(string path, OperationType method, OpenApiPathItem item, OpenApiOperation operation)
    {
        Path = path;
        Method = new HttpMethod(method.ToString().ToUpperInvariant());
        Operation = operation;
        Id = operation.OperationId ?? $"{Method.Method} {path}";
        // Operation-level parameters override path-level ones of the same name and location.
        var parameters = operation.Parameters.Concat(item.Parameters)
            .DistinctBy(p => (p.Name, p.In))
            .ToList();
        PathParameters = OrderedByPath(parameters.Where(p => p.In == ParameterLocation.Path));
        QueryParameters = parameters.Where(p => p.In == ParameterLocation.Query).ToList();
        if (operation.RequestBody?.Content.TryGetValue("application/json", out var body) == true)
        {
            BodySchema = body.Schema;
            BodyRequired = operation.RequestBody.Required;
        }
    }

    public string Id { get; }
    public string Path { get; }
    public HttpMethod Method { get; }
    public OpenApiOperation Operation { get; }
    /// <summary>Path parameters in the order they appear in the path; the first names the anomaly.</summary>
    public IReadOnlyList<OpenApiParameter> PathParameters { get; }
    public IReadOnlyList<OpenApiParameter> QueryParameters { get; }
    public OpenApiSchema? BodySchema { get; }
    public bool BodyRequired { get; }

    public bool IsRead => Method == HttpMethod.Get;

    /// <summary>Documented status codes (the "default" response, if any, is not a status code).</summary>
    public IReadOnlyList<int> DocumentedStatuses => Operation.Responses.Keys
        .Select(k => int.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0)
        .Where(s => s > 0)
        .ToList();

    public IEnumerable<(int Status, OpenApiResponse Response)> Successes => Operation.Responses
        .Select(r => (Status: int.TryParse(r.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0, r.Value))
        .Where(r => r.Status is >= 200 and < 300);

    public OpenApiResponse? Response(int status) =>
        Operation.Responses.TryGetValue(status.ToString(CultureInfo.InvariantCulture), out var r) ? r : null;

    /// <summary>The JSON schema of the first success response, or null (no body, or not JSON).</summary>
    public OpenApiSchema? SuccessSchema => Successes
        .Select(s => s.Response.Content.TryGetValue("application/json", out var m) ? m.Schema : null)
        .FirstOrDefault(s => s is not null);

    /// <summary>An operation with page and size parameters whose answer is the page envelope.</summary>
    public bool IsPaginated =>
        QueryParameters.Any(p => p.Name == "page") && QueryParameters.Any(p => p.Name == "size")
        && SuccessSchema is { } s && new[] { "items", "total", "page", "size", "pages" }.All(s.Properties.ContainsKey);

    /// <summary>
    /// The PUT beside a per-anomaly collection (history), through which its paging, sort and filter checks
    /// write entries first; null for the list and for collections the document gives no such write.
    /// </summary>
    public ContractOperation? CollectionWriter(OpenApiDocument document) =>
        IsRead && PathParameters.Count > 0
            ? All(document).FirstOrDefault(o => o.Method == HttpMethod.Put && o.Path == Path[..Path.LastIndexOf('/')])
            : null;

    public bool RequiresBearer(OpenApiDocument document) =>
        (Operation.Security.Count > 0 ? Operation.Security : document.SecurityRequirements)
        .Any(r => r.Keys.Any(s => s.Scheme == "bearer"));

    public static IReadOnlyList<ContractOperation> All(OpenApiDocument document) => document.Paths
        .SelectMany(p => p.Value.Operations.Select(o => new ContractOperation(p.Key, o.Key, p.Value, o.Value)))
        .ToList();

    public override string ToString() => $"{Id} ({Method.Method} {Path})";

    private List<OpenApiParameter> OrderedByPath(IEnumerable<OpenApiParameter> parameters) =>
        parameters.OrderBy(p => Path.IndexOf("{" + p.Name + "}", StringComparison.Ordinal)).ToList();
}
