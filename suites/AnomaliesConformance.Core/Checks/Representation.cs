using System.Globalization;
using System.Text.Json.Nodes;

namespace AnomaliesConformance.Core.Checks;

/// <summary>
/// How a target spells what the page leaves open: key names and envelopes the behaviour checks read
/// through (specs/contract-choices.md, "Representation"). The defaults are the choices of specs/; a profile's
/// <c>representation</c> section or <c>--representation KEY=VALUE</c> declares a target's own. A difference is
/// reported once, by the shape rule that owns it; the behaviour checks read either spelling and still judge.
/// </summary>
public sealed record Representation
{
    /// <summary>Every key a profile may declare, with its default and what it names.</summary>
    public static IReadOnlyDictionary<string, (string Default, string Meaning)> Keys { get; } =
        new Dictionary<string, (string, string)>(StringComparer.Ordinal)
        {
            ["page_items_key"] = ("items", "the key of a page envelope that holds the page's items (list, history, comments, ticket links)"),
            ["page_total_key"] = ("total", "the key of a page envelope that counts every item of every page"),
            ["page_param"] = ("page", "the query parameter that asks for a page by its number (1 first)"),
            ["size_param"] = ("size", "the query parameter that asks for a page size"),
            ["comment_text_key"] = ("comment", "the key of a comment that holds its text"),
            ["history_tags_key"] = ("global_tags", "the changeset key of a history entry that records a tag change"),
            ["source_record_rows_key"] = ("records", "the key of the source-record answer that holds the rows"),
            ["source_record_fields_key"] = ("fields", "the key of the source-record answer that lists the fields, in order"),
        };

    public static Representation Default { get; } = new();

    public IReadOnlyDictionary<string, string> Declared { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public string PageItemsKey => Value("page_items_key");
    public string PageTotalKey => Value("page_total_key");
    public string PageParam => Value("page_param");
    public string SizeParam => Value("size_param");
    public string CommentTextKey => Value("comment_text_key");
    public string HistoryTagsKey => Value("history_tags_key");
    public string SourceRecordRowsKey => Value("source_record_rows_key");
    public string SourceRecordFieldsKey => Value("source_record_fields_key");

    /// <summary>Where a page envelope may hold its items: the declared key, then the common aliases.</summary>
    public IReadOnlyList<string> PageItemsKeys => [PageItemsKey, "items", "data", "results"];

    /// <summary>Where a page envelope may count its items: the declared key, then the common aliases.</summary>
    public IReadOnlyList<string> PageTotalKeys => [PageTotalKey, "total", "count", "total_count", "totalCount"];

    /// <summary>Where a source-record answer may hold its rows: the declared key, then the common aliases.</summary>
    public IReadOnlyList<string> SourceRecordRowsKeys => [SourceRecordRowsKey, "records", "rows"];

    /// <summary>Where a source-record answer may list its fields: the declared key, then the common aliases.</summary>
    public IReadOnlyList<string> SourceRecordFieldsKeys => [SourceRecordFieldsKey, "fields", "columns"];

    /// <summary>
    /// The items of a collection answer as the target spells it: a bare array, or the array under one of
    /// <see cref="PageItemsKeys"/>; null when neither is there (what a missing envelope means is the caller's).
    /// </summary>
    public JsonArray? ItemsOf(JsonNode? answer) => answer switch
    {
        JsonArray bare => bare,
        JsonObject envelope => PageItemsKeys.Select(k => envelope[k]).OfType<JsonArray>().FirstOrDefault(),
        _ => null,
    };

    /// <summary>
    /// An integer as a target may write an id or a count: a JSON integer, or its exact digits in a string
    /// (whether it is a JSON integer is a shape rule's business, not every reader's).
    /// </summary>
    public static long? IntegerOf(JsonNode? value) => value switch
    {
        JsonValue v when v.TryGetValue<long>(out var n) => n,
        JsonValue v when v.TryGetValue<string>(out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    /// <summary>Whether <paramref name="key"/> may be declared; the error names the known keys.</summary>
    public static string? Problem(string key, string value)
    {
        if (!Keys.ContainsKey(key))
        {
            return $"'{key}' is not a representation key (known: {string.Join(", ", Keys.Keys)})";
        }

        return string.IsNullOrWhiteSpace(value) || value.Any(char.IsWhiteSpace) ? $"{key} must be a key or parameter name without spaces" : null;
    }

    private string Value(string key) => Declared.TryGetValue(key, out var declared) ? declared : Keys[key].Default;
}
