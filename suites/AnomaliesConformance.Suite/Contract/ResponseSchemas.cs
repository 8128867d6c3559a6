using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Extensions;
using Microsoft.OpenApi.Models;
using NJsonSchema;
using NJsonSchema.Validation;

namespace AnomaliesConformance.Suite.Contract;

/// <summary>What a body's check found: schema violations (each with its JSON path) and undocumented properties.</summary>
public sealed record SchemaFindings(IReadOnlyList<string> Violations, IReadOnlyList<string> Undocumented);

/// <summary>
/// Validates bodies against the document's schemas with NJsonSchema. The OpenAPI 3.0 schemas are turned
/// into JSON Schema once per document: component schemas become <c>definitions</c> and
/// <c>nullable: true</c> becomes a <c>"null"</c> type, so NJsonSchema reads them as they are meant.
/// </summary>
public sealed class ResponseSchemas
{
    private static readonly ConditionalWeakTable<OpenApiDocument, ResponseSchemas> ByDocument = new();

    private readonly JsonObject document;
    private readonly JsonObject definitions;
    private readonly ConcurrentDictionary<string, JsonSchema> compiled = new(StringComparer.Ordinal);

    private ResponseSchemas(OpenApiDocument openApi)
    {
        document = JsonNode.Parse(openApi.SerializeAsJson(OpenApiSpecVersion.OpenApi3_0))!.AsObject();
        definitions = (JsonObject)Rewrite(document["components"]?["schemas"]?.DeepClone() ?? new JsonObject());
    }

    public static ResponseSchemas For(OpenApiDocument document) => ByDocument.GetValue(document, d => new ResponseSchemas(d));

    /// <summary>Validates a body against the documented JSON schema of that operation's answer.</summary>
    public SchemaFindings Check(ContractOperation operation, int status, string body)
    {
        var schema = Compiled(operation, status);
        if (schema is null)
        {
            return new SchemaFindings([], []);
        }

        var violations = schema.Validate(body).SelectMany(e => Describe(e, "")).Distinct().ToList();
        var undocumented = new List<string>();
        if (operation.Response(status)?.Content.TryGetValue("application/json", out var media) == true && media.Schema is not null)
        {
            try
            {
                FindUndocumented(media.Schema, JsonNode.Parse(body), "#", undocumented);
            }
            catch (System.Text.Json.JsonException)
            {
                // Not JSON: NJsonSchema has already reported it.
            }
        }

        return new SchemaFindings(violations, undocumented);
    }

    public bool HasSchema(ContractOperation operation, int status) => Compiled(operation, status) is not null;

    private JsonSchema? Compiled(ContractOperation operation, int status)
    {
        var key = $"{operation.Method.Method} {operation.Path} {status}";
        if (compiled.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var response = document["paths"]?[operation.Path]?[operation.Method.Method.ToLowerInvariant()]?["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        if (response?["$ref"]?.GetValue<string>() is { } reference)
        {
            response = document["components"]?["responses"]?[reference.Split('/')[^1]];
        }

        if (response?["content"]?["application/json"]?["schema"] is not { } raw)
        {
            return null;
        }

        var root = (JsonObject)Rewrite(raw.DeepClone());
        if (root.ContainsKey("$ref"))
        {
            // Keywords beside a root $ref are ignored, definitions included: reference from inside allOf.
            root = new JsonObject { ["allOf"] = new JsonArray(root) };
        }

        root["definitions"] = definitions.DeepClone();
        var schema = JsonSchema.FromJsonAsync(root.ToJsonString()).GetAwaiter().GetResult();
        return compiled.GetOrAdd(key, schema);
    }

    /// <summary>Component references point into <c>definitions</c>; OpenAPI's nullable becomes a null type.</summary>
    private static JsonNode Rewrite(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var property in o.ToList())
                {
                    if (property.Value is not null)
                    {
                        Rewrite(property.Value);
                    }
                }

                if (o["$ref"]?.GetValue<string>() is { } reference)
                {
                    o["$ref"] = reference.Replace("#/components/schemas/", "#/definitions/", StringComparison.Ordinal);
                }

                if (o["nullable"]?.GetValue<bool>() == true)
                {
                    o.Remove("nullable");
                    if (o["type"]?.GetValue<string>() is { } type)
                    {
                        o["type"] = new JsonArray(type, "null");
                        if (o["enum"] is JsonArray values)
                        {
                            values.Add(null);
                        }
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    if (item is not null)
                    {
                        Rewrite(item);
                    }
                }

                break;
        }

        return node;
    }

    private static IEnumerable<string> Describe(ValidationError error, string prefix)
    {
        var path = string.IsNullOrEmpty(error.Path) ? "#" : error.Path;
        if (error is ChildSchemaValidationError child && child.Errors.Count > 0)
        {
            // For oneOf/anyOf, name the failure and the closest alternative's own errors.
            yield return $"{prefix}{path}: {error.Kind}";
            foreach (var nested in child.Errors.Values.OrderBy(e => e.Count).First().SelectMany(e => Describe(e, prefix + "  ")))
            {
                yield return nested;
            }

            yield break;
        }

        yield return $"{prefix}{path}: {error.Kind}";
    }

    /// <summary>Keys of objects whose schema lists properties and does not say what else may appear.</summary>
    private static void FindUndocumented(OpenApiSchema schema, JsonNode? node, string path, List<string> found)
    {
        switch (node)
        {
            case JsonObject o:
                var properties = schema.Properties.Concat(schema.AllOf.SelectMany(s => s.Properties))
                    .DistinctBy(p => p.Key)
                    .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
                foreach (var (key, value) in o)
                {
                    if (properties.TryGetValue(key, out var propertySchema))
                    {
                        FindUndocumented(propertySchema, value, $"{path}.{key}", found);
                    }
                    else if (schema.AdditionalProperties is { } additional)
                    {
                        FindUndocumented(additional, value, $"{path}.{key}", found);
                    }
                    else if (properties.Count > 0 && schema.AdditionalPropertiesAllowed)
                    {
                        found.Add($"{path}.{key}");
                    }
                }

                break;
            case JsonArray a when schema.Items is not null:
                for (var i = 0; i < a.Count; i++)
                {
                    FindUndocumented(schema.Items, a[i], $"{path}[{i}]", found);
                }

                break;
        }
    }
}
