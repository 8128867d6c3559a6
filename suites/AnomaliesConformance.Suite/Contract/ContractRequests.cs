using System.Globalization;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using Microsoft.OpenApi.Models;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Contract;

/// <summary>
/// Builds and sends the requests of one generated case: valid ones from the document (examples,
/// defaults, schemas, the world's real ids) and the invalid variants the case asks for.
/// </summary>
public sealed class ContractRequests
{
    public const string UnknownQueryParameter = "cf_unknown_parameter";


    private readonly OpenApiDocument document;
    private readonly ContractWorld world;

    public ContractRequests(OpenApiDocument document, ContractOperation operation, ContractWorld world, ContractCase contractCase, int seed, bool randomize = false)
    {
        this.document = document;
        this.world = world;
        Operation = operation;
        Anomaly = world.AnomalyFor(contractCase);
        Faker = new SeededFaker(seed);
        Values = new SchemaValues(Faker, name => world.Hint(name, Anomaly), randomize);
    }

    public ContractOperation Operation { get; }
    public ProvisionedAnomaly? Anomaly { get; }
    public SeededFaker Faker { get; }
    public SchemaValues Values { get; }

    private static ApiClient Api => ConformanceRun.Current.Api;

    /// <summary>The value of the path's first parameter (the anomaly): the world's, or the document's example.</summary>
    public string AnomalyPathValue => Anomaly?.Id.ToString(CultureInfo.InvariantCulture)
        ?? (Operation.PathParameters.Count > 0 ? ExampleOf(Operation.PathParameters[0]) : "");

    /// <summary>The path with every parameter filled; a sub-resource (ticket link) is created first when needed.</summary>
    public async Task<string> PathAsync(string? firstParameter = null, bool createSubResources = true)
    {
        var path = Operation.Path;
        for (var i = 0; i < Operation.PathParameters.Count; i++)
        {
            var parameter = Operation.PathParameters[i];
            var value = i == 0
                ? firstParameter ?? AnomalyPathValue
                : createSubResources && world.Provisioned ? await CreateSubResourceAsync(path, parameter) : ExampleOf(parameter);
            path = path.Replace("{" + parameter.Name + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
        }

        return path;
    }

    /// <summary>Query parameters a valid request carries: required ones, documented examples, and the world's scope for the list.</summary>
    public List<(string Name, string Value)> BaselineQuery()
    {
        var query = new List<(string, string)>();
        foreach (var parameter in Operation.QueryParameters)
        {
            if (parameter.Required || parameter.Example is not null || parameter.Schema.Example is not null)
            {
                query.Add((parameter.Name, Values.Query(parameter)));
            }
        }

        if (world.ReadsDatastore is { } datastore && Operation.QueryParameters.Any(p => p.Name == "datastore") && query.All(q => q.Item1 != "datastore"))
        {
            query.Add(("datastore", datastore.ToString(CultureInfo.InvariantCulture)));
        }

        return query;
    }

    /// <summary>Every documented query parameter with a valid value (writes send them all at once).</summary>
    public List<(string Name, string Value)> FullQuery() =>
        Operation.QueryParameters.Select(p => (p.Name, Values.Query(p))).ToList();

    public JsonNode? ValidBody() => Operation.BodySchema is null ? null : Values.Generate(Operation.BodySchema, null);

    public Task<ApiResponse> SendAsync(Actor actor, string path, IEnumerable<(string Name, string Value)> query, string? body, string purpose = ExchangePurpose.Act) =>
        Api.SendAsync(actor, Operation.Method, path + QueryString(query), body, LargeBodyHeaders(body), default, purpose);

    /// <summary>
    /// A large body asks "Expect: 100-continue", as HTTP clients do: a server refusing it by its length
    /// answers before the body is sent, instead of the client meeting a closed connection mid-upload.
    /// </summary>
    private static Dictionary<string, string>? LargeBodyHeaders(string? body) =>
        body is { Length: > 64 * 1024 } ? new Dictionary<string, string> { ["Expect"] = "100-continue" } : null;

    /// <summary>The anomaly and its ticket links as the caller reads them, for "nothing changed" comparisons.</summary>
    public async Task<string> SnapshotAsync()
    {
        if (Anomaly is null || !world.Provisioned)
        {
            return "";
        }

        // Identity-checked, as the scenarios' snapshots are: a broken id lookup must not pass for a change.
        // The links are read beside the anomaly: on a distant target a check's time is its chain of round trips.
        var linksRead = Api.GetAsync(world.Caller, $"/api/anomalies/{Anomaly.Id}/ticket-links", purpose: ExchangePurpose.Verify);
        var anomaly = await Api.GetAsync(world.Caller, $"/api/anomalies/{Anomaly.Id}?include_deleted=true", purpose: ExchangePurpose.Verify);
        if (anomaly.Status == 200 && anomaly.Json["uuid"]?.ToString() is { } uuid && !uuid.Equals(Anomaly.Uuid, StringComparison.OrdinalIgnoreCase))
        {
            anomaly = await Api.GetAsync(world.Caller, $"/api/anomalies/{Anomaly.Uuid}?include_deleted=true", purpose: ExchangePurpose.Verify);
        }

        var links = await linksRead;
        return $"{anomaly.Status} {anomaly.Body}\n{links.Status} {links.Body}";
    }

    /// <summary>The operation of the document with this method and path, if any (e.g. the PUT beside a GET).</summary>
    public ContractOperation? Sibling(HttpMethod method, string path) =>
        ContractOperation.All(document).FirstOrDefault(o => o.Method == method && o.Path == path);

    public static string QueryString(IEnumerable<(string Name, string Value)> query)
    {
        var pairs = query.Select(q => Uri.EscapeDataString(q.Name) + "=" + Uri.EscapeDataString(q.Value)).ToList();
        return pairs.Count == 0 ? "" : "?" + string.Join("&", pairs);
    }

    private string ExampleOf(OpenApiParameter parameter)
    {
        var example = parameter.Example ?? parameter.Schema.Example;
        return example is not null ? SchemaValues.Text(SchemaValues.Any(example)) : SchemaValues.Text(Values.Generate(parameter.Schema, null));
    }

    /// <summary>Creates the sub-resource a nested path names (POST on the parent collection) and answers its id.</summary>
    private async Task<string> CreateSubResourceAsync(string pathSoFar, OpenApiParameter parameter)
    {
        var collection = pathSoFar[..pathSoFar.IndexOf("/{" + parameter.Name + "}", StringComparison.Ordinal)];
        var template = Operation.Path[..Operation.Path.IndexOf("/{" + parameter.Name + "}", StringComparison.Ordinal)];
        var create = Sibling(HttpMethod.Post, template)
            ?? throw new InvalidOperationException($"{Operation.Id}: no POST {template} creates the {parameter.Name} it needs");
        var body = create.BodySchema is null ? null : Values.Generate(create.BodySchema, null)?.ToJsonString();
        var created = await Api.SendAsync(world.Caller, HttpMethod.Post, collection, body, null, default, ExchangePurpose.Provision);
        if (created.Status is < 200 or >= 300 || created.Json["id"] is not JsonValue id)
        {
            throw new TargetErrorException($"creating the {parameter.Name} this check needs answered {created.Status}", created.Exchange);
        }

        return SchemaValues.Text(id);
    }
}
