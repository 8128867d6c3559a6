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

    public static string? Description(this JsonObject anomaly) => anomaly["description"]?.GetValue<string>();

    public static long Id(this JsonNode anomaly) => anomaly["id"]!.GetValue<long>();

    public static IEnumerable<JsonObject> Items(this JsonObject page) =>
        (page["items"] as JsonArray ?? []).Select(i => i!.AsObject());
}
