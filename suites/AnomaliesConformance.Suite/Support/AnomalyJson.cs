using System.Text.Json.Nodes;

namespace AnomaliesConformance.Suite.Support;

/// <summary>
/// Reads the fields of an anomaly object the scenarios compare. Every field here is one the page's Anomaly
/// schema promises, so a missing key fails and names the key (<see cref="Read.Required"/>).
/// </summary>
public static class AnomalyJson
{
    public static long[] AssigneeIds(this JsonObject anomaly) =>
        Read.RequiredValue(anomaly, "assignees", "the anomaly") is JsonArray assignees
            ? assignees.Select(a => a is JsonObject user ? Read.RequiredInteger(user, "id", "an assignee of the anomaly") : IdOf(a) ?? 0).Order().ToArray()
            : Unreadable<long[]>(anomaly, "assignees", "a list of users");

    public static string[] TagNames(this JsonObject anomaly) =>
        Read.RequiredValue(anomaly, "global_tags", "the anomaly") is JsonArray tags
            ? tags.Select(t => t is JsonObject tag ? Read.RequiredString(tag, "name", "a tag of the anomaly") : Unreadable<string>(anomaly, "global_tags", "a list of {id, name} tags")).Order(StringComparer.Ordinal).ToArray()
            : Unreadable<string[]>(anomaly, "global_tags", "a list of tags");

    public static string Status(this JsonObject anomaly) => Read.Status(anomaly);

    /// <summary>Archived-ness from the status, as the page defines it (the archived flag is ANOMALY-ARCHIVED-FLAG's).</summary>
    public static bool IsArchived(this JsonObject anomaly) => Read.IsArchived(anomaly);

    public static string Type(this JsonObject anomaly) => Read.RequiredString(anomaly, "type", "the anomaly");

    public static string? Description(this JsonObject anomaly) =>
        Read.Required(anomaly, "description", "the anomaly") is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;

    /// <summary>
    /// The numeric id of an anomaly (or link, or comment). A numeric string is read too: whether the id is
    /// a JSON integer is ANOMALY-ID-NUMERIC's business, not every scenario's.
    /// </summary>
    public static long Id(this JsonNode item) => IdOf(item["id"])
        ?? throw new InvalidOperationException($"the object has no numeric id: {item.ToJsonString()}");

    public static long? IdOf(JsonNode? id) => AnomaliesConformance.Core.Checks.Representation.IntegerOf(id);

    public static string? Uuid(this JsonObject anomaly) => anomaly["uuid"] is JsonValue v && v.TryGetValue<string>(out var uuid) ? uuid : null;

    public static IEnumerable<long> Ids(this IEnumerable<JsonNode?> items) => items.Select(i => i!.Id());

    private static T Unreadable<T>(JsonObject anomaly, string key, string expected) =>
        Read.Fail<T>($"expected the anomaly's {key} to be {expected}", anomaly);
}
