using System.Text.Json.Nodes;

namespace AnomaliesConformance.Suite.Support;

/// <summary>Reads the fields of an anomaly object the scenarios compare.</summary>
public static class AnomalyJson
{
    public static long[] AssigneeIds(this JsonObject anomaly) =>
        (anomaly["assignees"] as JsonArray ?? []).Select(a => a!["id"]!.GetValue<long>()).Order().ToArray();

    public static string[] TagNames(this JsonObject anomaly) =>
        (anomaly["global_tags"] as JsonArray ?? []).Select(t => t!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToArray();

    public static string? Status(this JsonObject anomaly) => anomaly["status"]?.GetValue<string>();

    public static string? Type(this JsonObject anomaly) => anomaly["type"]?.GetValue<string>();

    public static string? Description(this JsonObject anomaly) => anomaly["description"]?.GetValue<string>();

    /// <summary>
    /// The numeric id of an anomaly (or link, or comment). A numeric string is read too: whether the id is
    /// a JSON integer is ANOMALY-ID-NUMERIC's business, not every scenario's.
    /// </summary>
    public static long Id(this JsonNode item) => IdOf(item["id"])
        ?? throw new InvalidOperationException($"the object has no numeric id: {item.ToJsonString()}");

    public static long? IdOf(JsonNode? id) => id switch
    {
        JsonValue v when v.TryGetValue<long>(out var n) => n,
        JsonValue v when v.TryGetValue<string>(out var text) && long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    public static string? Uuid(this JsonObject anomaly) => anomaly["uuid"] is JsonValue v && v.TryGetValue<string>(out var uuid) ? uuid : null;

    public static bool? Archived(this JsonObject anomaly) => anomaly["archived"] is JsonValue v && v.TryGetValue<bool>(out var archived) ? archived : null;

    public static IEnumerable<long> Ids(this JsonArray items) => items.Select(i => i!.Id());

    public static IEnumerable<JsonObject> Items(this JsonObject page) =>
        (page["items"] as JsonArray ?? []).Select(i => i!.AsObject());
}
