using System.Text.Json;
using System.Text.Json.Nodes;

namespace AnomaliesConformance.Suite.Contract;

/// <summary>
/// Which catalogue rule (specs/rules.yaml) a generated check enforces. Existing rules are used wherever
/// one states the behaviour; the two CONTRACT-* rules cover what only the OpenAPI document states
/// (response shapes, documented status codes and media types).
/// </summary>
public static class ContractRules
{
    public const string ResponseSchema = "CONTRACT-RESPONSE-SCHEMA";
    public const string DocumentedStatus = "CONTRACT-DOCUMENTED-STATUS";

    /// <summary>List filters whose values the suite can match against an item, and how (the document says it in prose only).</summary>
    public static readonly IReadOnlyDictionary<string, Func<JsonObject, IEnumerable<string>>> FilterValues =
        new Dictionary<string, Func<JsonObject, IEnumerable<string>>>(StringComparer.Ordinal)
        {
            ["status"] = a => Values(a["status"]),
            ["anomaly_type"] = a => Values(a["type"]),
            ["datastore"] = a => Values(Reference(a["datastore"])),
            ["container"] = a => Values(Reference(a["container"])),
            ["field"] = a => Each(a["failed_checks"]).SelectMany(c => Each(c?["fields"]).SelectMany(Values)),
            ["quality_check"] = a => Each(a["failed_checks"]).SelectMany(c => Values(c?["id"])),
            ["rule_type"] = a => Each(a["failed_checks"]).SelectMany(c => Values(c?["rule_type"])),
            ["tag"] = a => Each(a["global_tags"]).SelectMany(t => Values(t?["name"])),
            ["assignee"] = a => Each(a["assignees"]).SelectMany(u => Values(u?["id"])),
        };

    public static string Media(string mediaType) =>
        mediaType == "text/csv" ? "SOURCE-RECORD-CSV-CONTENT-TYPE" : DocumentedStatus;

    public static string Header(string header) =>
        header.Equals("Content-Disposition", StringComparison.OrdinalIgnoreCase) ? "SOURCE-RECORD-CSV-FILENAME" : ResponseSchema;

    public static string Token(string kind) => kind == CheckKinds.MissingToken ? "AUTH-MISSING-TOKEN" : "AUTH-BEARER-REQUIRED";

    public static string Id(string kind) => kind == CheckKinds.MalformedId ? "ERRORS-MALFORMED-ID-422" : "ERRORS-UNKNOWN-ID-404";

    public static string InvalidQuery(ContractOperation operation, string parameter, bool outOfRange, bool isDateTime) => (parameter, outOfRange) switch
    {
        ("page" or "size", true) => "PAGINATION-BOUNDS",
        ("limit", true) => "SOURCE-RECORD-LIMIT-MIN-1",
        _ when isDateTime && operation.Id == "getAnomalyComments" => "COMMENTS-INVALID-DATE",
        _ => "ERRORS-INVALID-INPUT-422",
    };

    public static string InvalidBody(ContractOperation operation, string variant) => variant switch
    {
        BodyVariants.Oversized => "ERRORS-BODY-TOO-LARGE",
        BodyVariants.MissingField when operation.Id == "createTicketLink" => "TICKET-LINK-REQUIRED-FIELDS",
        _ => "ERRORS-INVALID-INPUT-422",
    };

    /// <summary>The list's envelope rule, or the history's for a per-anomaly collection.</summary>
    public static string PaginationEnvelope(ContractOperation operation) =>
        operation.PathParameters.Count == 0 ? "PAGINATION-ENVELOPE" : "PAGINATION-HISTORY-ENVELOPE";

    public static string Sort(string parameter) => "LIST-SORT-" + Kebab(parameter["sort_".Length..]);

    public static string Filter(string parameter) => "LIST-FILTER-" + Kebab(parameter);

    private static string Kebab(string snake) => snake.ToUpperInvariant().Replace('_', '-');

    /// <summary>A reference's id: an object's id, or the id itself (how a reference is spelled is the shape's business).</summary>
    private static JsonNode? Reference(JsonNode? reference) => reference is JsonObject o ? o["id"] : reference;

    private static IEnumerable<JsonNode?> Each(JsonNode? node) =>
        node as JsonArray ?? [];

    private static IEnumerable<string> Values(JsonNode? node) => node switch
    {
        null => [],
        JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
        JsonValue v => [v.ToJsonString()],
        _ => [],
    };
}
