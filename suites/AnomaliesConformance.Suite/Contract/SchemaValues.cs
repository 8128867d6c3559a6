using AnomaliesConformance.Core.Provisioning;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.OpenApi.Any;
using Microsoft.OpenApi.Models;

namespace AnomaliesConformance.Suite.Contract;

/// <summary>A value an invalid request carries, and whether it breaks a bound (rather than the type or enum).</summary>
public sealed record InvalidValue(string Text, bool OutOfRange);

/// <summary>
/// Values derived from schemas: valid ones (examples, defaults, enums, then Bogus, seeded) and invalid
/// ones (wrong type, out of range, unknown enum value, malformed date).
/// </summary>
public sealed class SchemaValues(SeededFaker faker, Func<string, JsonNode?> hint, bool randomize)
{
    public const string UnknownEnumValue = "Bogus";
    public const string NotANumber = "abc";
    public const string NotABoolean = "maybe";
    public const string NotADateTime = "not-a-date";
    public const string NotADate = "2026-13-45";
    public const string UnknownField = "cf_unknown_field";

    /// <summary>Invalid query values the schema rules out, bounds first (size=0, size=101, limit=0).</summary>
    public static IReadOnlyList<InvalidValue> InvalidQueryValues(OpenApiSchema schema)
    {
        var s = schema.Type == "array" && schema.Items is not null ? schema.Items : schema;
        var values = new List<InvalidValue>();
        switch (s.Type)
        {
            case "integer" or "number":
                if (s.Minimum is { } min)
                {
                    values.Add(new(Number(min - 1), true));
                }

                if (s.Maximum is { } max)
                {
                    values.Add(new(Number(max + 1), true));
                }

                values.Add(new(NotANumber, false));
                break;
            case "boolean":
                values.Add(new(NotABoolean, false));
                break;
            case "string" when s.Enum.Count > 0:
                values.Add(new(UnknownEnumValue, false));
                break;
            case "string" when s.Format == "date-time":
                values.Add(new(NotADateTime, false));
                break;
            case "string" when s.Format == "date":
                values.Add(new(NotADate, false));
                break;
        }

        return values;
    }

    /// <summary>A valid value of a query parameter, as it is written in the query string.</summary>
    public string Query(OpenApiParameter parameter)
    {
        if (hint(parameter.Name) is { } hinted)
        {
            return Text(hinted is JsonArray { Count: > 0 } a ? a[0] : hinted);
        }

        var example = parameter.Example ?? parameter.Schema.Example;
        if (example is not null && !randomize)
        {
            return Text(Any(example));
        }

        var schema = parameter.Schema.Type == "array" && parameter.Schema.Items is not null ? parameter.Schema.Items : parameter.Schema;
        return Text(Generate(schema, null));
    }

    /// <summary>A valid JSON value of the schema; properties named in the world (ids, tags, users) get real values.</summary>
    public JsonNode? Generate(OpenApiSchema schema, string? name)
    {
        if (name is not null && hint(name) is { } hinted)
        {
            return hinted.DeepClone();
        }

        if (schema.Default is not null && !(randomize && faker.Random.Bool()))
        {
            return Any(schema.Default);
        }

        if (schema.Enum.Count > 0)
        {
            return Any(randomize ? faker.PickRandom(schema.Enum) : schema.Enum[0]);
        }

        if (schema.OneOf.Count > 0)
        {
            return Generate(randomize ? faker.PickRandom(schema.OneOf) : schema.OneOf[0], name);
        }

        return schema.Type switch
        {
            "object" => Object(schema),
            "array" => new JsonArray(Enumerable.Range(0, Math.Max(schema.MinItems ?? 1, 1))
                .Select(_ => schema.Items is null ? (JsonNode?)faker.Lorem.Word() : Generate(schema.Items, null)).ToArray()),
            "integer" => Integer(schema),
            "number" => Math.Round(faker.Random.Double(0, 100), 2),
            "boolean" => randomize ? faker.Random.Bool() : true,
            "string" => String(schema),
            _ => faker.Lorem.Word(),
        };
    }

    public static JsonNode? Any(IOpenApiAny value) => value switch
    {
        OpenApiString s => s.Value,
        OpenApiInteger i => i.Value,
        OpenApiLong l => l.Value,
        OpenApiDouble d => d.Value,
        OpenApiFloat f => f.Value,
        OpenApiBoolean b => b.Value,
        OpenApiDateTime t => t.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        OpenApiDate d => d.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        OpenApiArray a => new JsonArray(a.Select(Any).ToArray()),
        OpenApiObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Any(p.Value)))),
        _ => null,
    };

    /// <summary>A JSON value as a query string value (strings unquoted, booleans lower case).</summary>
    public static string Text(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
        _ => value.ToJsonString(),
    };

    private static string Number(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private JsonObject Object(OpenApiSchema schema)
    {
        var result = new JsonObject();
        foreach (var (property, propertySchema) in schema.Properties)
        {
            // A random body leaves out optional properties at times, as a real client would.
            if (randomize && !schema.Required.Contains(property) && faker.Random.Bool(0.3f))
            {
                continue;
            }

            result[property] = Generate(propertySchema, property);
        }

        if (schema.Properties.Count == 0 && schema.AdditionalPropertiesAllowed)
        {
            result["source"] = "conformance";
        }

        return result;
    }

    private JsonNode Integer(OpenApiSchema schema)
    {
        var min = (long)(schema.Minimum ?? 1);
        var max = (long)(schema.Maximum ?? min + 1000);
        return randomize ? faker.Random.Long(min, max) : min;
    }

    private JsonNode String(OpenApiSchema schema) => schema.Format switch
    {
        "date-time" => faker.Date.Between(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc))
            .ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        "date" => faker.Date.Between(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc))
            .ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        "uuid" => faker.Random.Guid().ToString(),
        _ => faker.Lorem.Sentence(3),
    };
}
