using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.OpenApi.Any;
using Microsoft.OpenApi.Models;

namespace AnomaliesConformance.Core.Specs;

/// <summary>What kind of thing a drift item is about.</summary>
public static class DriftKinds
{
    public const string Operation = "operation";
    public const string Parameter = "parameter";
    /// <summary>A parameter both documents have, required in one only (the item names the side that requires it).</summary>
    public const string ParameterRequired = "parameter_required";
    public const string Status = "status";
    public const string RequestField = "request_field";
    public const string ResponseField = "response_field";
    public const string Enum = "enum";
}

/// <summary>
/// One difference between two OpenAPI descriptions of the API: something at <see cref="Where"/> that only
/// one of them has (<see cref="OnlyIn"/> is <see cref="SpecDrift.OnlyInTarget"/> or <see cref="SpecDrift.OnlyInSpecs"/>).
/// </summary>
public sealed record DriftItem(string Kind, string Where, string Name, string OnlyIn);

/// <summary>
/// The drift between a target's own OpenAPI description and specs/anomalies.openapi.yaml: operations
/// (method and path template, path parameter names ignored), their parameters (name and location, and
/// whether required), response status codes, request and response body fields (dotted paths through
/// objects, `[]` through arrays, following $ref and allOf/oneOf/anyOf), and enum values of parameters and
/// fields. A difference is reported once, where it starts: the parameters of an operation only one side
/// has are not listed again, nor the fields of a status only one side has.
/// </summary>
public static partial class SpecDrift
{
    public const string OnlyInTarget = "target";
    public const string OnlyInSpecs = "specs";

    /// <summary>A recursive schema is walked this deep at most.</summary>
    private const int MaxDepth = 16;

    public static IReadOnlyList<DriftItem> Compare(OpenApiDocument target, OpenApiDocument specs)
    {
        var items = new List<DriftItem>();
        var sides = (Target: Describe(target), Specs: Describe(specs));
        Diff(sides.Target, sides.Specs, items, o => (DriftKinds.Operation, o.Where, o.Name), (t, s) =>
        {
            Diff(t.Parameters, s.Parameters, items, p => (DriftKinds.Parameter, s.Where, p.Name), (tp, sp) =>
            {
                if (tp.Required != sp.Required)
                {
                    items.Add(new(DriftKinds.ParameterRequired, s.Where, sp.Name, tp.Required ? OnlyInTarget : OnlyInSpecs));
                }

                Values(tp.Enum, sp.Enum, items, $"{s.Where} {sp.Name}");
            });
            Diff(t.Responses, s.Responses, items, r => (DriftKinds.Status, s.Where, r.Status), (tr, sr) =>
                Bodies(tr.Body, sr.Body, items, DriftKinds.ResponseField, $"{s.Where} {sr.Status}"));
            Bodies(t.Request, s.Request, items, DriftKinds.RequestField, $"{s.Where} request body");
        });
        return items
            .OrderBy(i => i.Where, StringComparer.Ordinal)
            .ThenBy(i => i.Kind, StringComparer.Ordinal)
            .ThenBy(i => i.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Reports the keys only one side has, and hands the values of shared keys to <paramref name="both"/>.</summary>
    private static void Diff<T>(
        IReadOnlyDictionary<string, T> target,
        IReadOnlyDictionary<string, T> specs,
        List<DriftItem> items,
        Func<T, (string Kind, string Where, string Name)> describe,
        Action<T, T>? both = null)
    {
        foreach (var (key, value) in target)
        {
            if (specs.TryGetValue(key, out var other))
            {
                both?.Invoke(value, other);
            }
            else
            {
                var (kind, where, name) = describe(value);
                items.Add(new(kind, where, name, OnlyInTarget));
            }
        }

        foreach (var (key, value) in specs.Where(s => !target.ContainsKey(s.Key)))
        {
            var (kind, where, name) = describe(value);
            items.Add(new(kind, where, name, OnlyInSpecs));
        }
    }

    private static void Bodies(Body target, Body specs, List<DriftItem> items, string fieldKind, string where)
    {
        Diff(target.Fields.ToDictionary(f => f), specs.Fields.ToDictionary(f => f), items, f => (fieldKind, where, f));
        foreach (var (location, values) in target.Enums)
        {
            if (specs.Enums.TryGetValue(location, out var other))
            {
                Values(values, other, items, $"{where} {location}");
            }
        }
    }

    private static void Values(SortedSet<string> target, SortedSet<string> specs, List<DriftItem> items, string where) =>
        Diff(target.ToDictionary(v => v), specs.ToDictionary(v => v), items, v => (DriftKinds.Enum, where, v));

    private static Dictionary<string, Operation> Describe(OpenApiDocument document)
    {
        var operations = new Dictionary<string, Operation>(StringComparer.Ordinal);
        foreach (var (path, method, operation) in OpenApiContract.Operations(document))
        {
            var where = $"{method.ToString().ToUpperInvariant()} {path}";
            var templateNames = PathParameter().Matches(path).Select(m => m.Groups[1].Value).ToList();
            // Operation parameters override path-level ones of the same name and location.
            var parameters = operation.Parameters.Concat(document.Paths[path].Parameters)
                .DistinctBy(p => (p.Name, p.In))
                .Select(p => new Parameter(
                    // A path parameter is known by its place in the template: {id} and {anomaly_id} there are the same thing.
                    p.In == ParameterLocation.Path && templateNames.IndexOf(p.Name) is var index and >= 0 ? $"path #{index}" : $"{p.In} {p.Name}",
                    $"{p.In?.ToString().ToLowerInvariant()} {p.Name}",
                    p.Required,
                    EnumOf(p.Schema?.Type == "array" ? p.Schema.Items : p.Schema)))
                .GroupBy(p => p.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var responses = operation.Responses.ToDictionary(
                r => r.Key,
                r => new Response(r.Key, BodyOf(r.Value.Content)),
                StringComparer.Ordinal);
            var request = BodyOf(operation.RequestBody?.Content);
            operations.TryAdd(
                $"{method} {NormalisedPath(path)}",
                new Operation(where, operation.OperationId ?? where, parameters, responses, request));
        }

        return operations;
    }

    private static string NormalisedPath(string path)
    {
        var normalised = PathParameter().Replace(path, "{}");
        return normalised.Length > 1 ? normalised.TrimEnd('/') : normalised;
    }

    private static Body BodyOf(IDictionary<string, OpenApiMediaType>? content)
    {
        var body = new Body();
        var json = content?.FirstOrDefault(c => IsJson(c.Key)).Value?.Schema;
        if (json is not null)
        {
            Walk(json, "", body, new HashSet<OpenApiSchema>(ReferenceEqualityComparer.Instance));
        }

        return body;
    }

    private static bool IsJson(string mediaType) =>
        mediaType.Split(';')[0].Trim() is var media
        && (media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static void Walk(OpenApiSchema schema, string path, Body body, HashSet<OpenApiSchema> open)
    {
        // A schema that contains itself (a tree of comments, say) stops where it repeats.
        if (open.Count >= MaxDepth || !open.Add(schema))
        {
            return;
        }

        if (schema.Enum.Count > 0)
        {
            var location = path.Length == 0 ? "(body)" : path;
            body.Enums[location] = new SortedSet<string>(body.Enums.TryGetValue(location, out var known) ? known.Union(EnumOf(schema)) : EnumOf(schema), StringComparer.Ordinal);
        }

        foreach (var (name, property) in schema.Properties)
        {
            var field = path.Length == 0 ? name : $"{path}.{name}";
            body.Fields.Add(field);
            Walk(property, field, body, open);
        }

        if (schema.Items is not null)
        {
            Walk(schema.Items, path + "[]", body, open);
        }

        foreach (var alternative in schema.AllOf.Concat(schema.OneOf).Concat(schema.AnyOf))
        {
            Walk(alternative, path, body, open);
        }

        open.Remove(schema);
    }

    private static SortedSet<string> EnumOf(OpenApiSchema? schema) =>
        new((schema?.Enum ?? []).Select(Text), StringComparer.Ordinal);

    private static string Text(IOpenApiAny value) => value switch
    {
        OpenApiString s => s.Value,
        OpenApiInteger i => i.Value.ToString(CultureInfo.InvariantCulture),
        OpenApiLong l => l.Value.ToString(CultureInfo.InvariantCulture),
        OpenApiDouble d => d.Value.ToString(CultureInfo.InvariantCulture),
        OpenApiFloat f => f.Value.ToString(CultureInfo.InvariantCulture),
        OpenApiBoolean b => b.Value ? "true" : "false",
        OpenApiNull => "null",
        _ => value.AnyType.ToString(),
    };

    [GeneratedRegex(@"\{([^}/]*)\}")]
    private static partial Regex PathParameter();

    private sealed record Operation(string Where, string Name, Dictionary<string, Parameter> Parameters, Dictionary<string, Response> Responses, Body Request);

    private sealed record Parameter(string Key, string Name, bool Required, SortedSet<string> Enum);

    private sealed record Response(string Status, Body Body);

    private sealed class Body
    {
        public SortedSet<string> Fields { get; } = new(StringComparer.Ordinal);

        /// <summary>Enum values by where they sit in the body: a field's dotted path, `x[]` for an array's items.</summary>
        public Dictionary<string, SortedSet<string>> Enums { get; } = new(StringComparer.Ordinal);
    }
}
