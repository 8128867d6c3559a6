using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using NUnit.Framework;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Support;

/// <summary>
/// The one reading layer of the behaviour checks: what the page states is read as required (a missing key
/// fails and names the key), and what the page leaves open (envelopes, key names, the archived flag) is read
/// in the spelling of specs/ or of the target's declared <see cref="Representation"/>, or a common alias.
/// A representation the layer cannot find makes the check inconclusive, naming the shape rule that owns it:
/// a representation difference is that rule's failure, never a behaviour failure and never a target error.
/// </summary>
public static class Read
{
    /// <summary>The statuses of an archived anomaly (the page's ArchivedAnomalyStatusType).</summary>
    public static readonly string[] ArchivedStatuses = ["Resolved", "Duplicate", "Invalid", "Discarded"];

    public const string ShapeRule = "CONTRACT-RESPONSE-SCHEMA";
    public const string ListEnvelopeRule = "PAGINATION-ENVELOPE";
    public const string HistoryEnvelopeRule = "PAGINATION-HISTORY-ENVELOPE";

    private static readonly string[] CommentTextAliases = ["comment", "text", "body", "content"];
    private static readonly string[] TagsChangeAliases = ["global_tags", "tags"];

    public static Representation Spelling =>
        ConformanceRun.IsInstalled ? ConformanceRun.Current.Settings.Representation : Representation.Default;

    /// <summary>A key the page promises: present (its value may be JSON null), else the check fails naming it.</summary>
    public static JsonNode? Required(JsonObject item, string key, string what, ApiResponse? answer = null)
    {
        if (!item.TryGetPropertyValue(key, out var value))
        {
            Fail($"expected {what} to carry the key \"{key}\" (the page promises it), but it has only {string.Join(", ", item.Select(p => p.Key))}", item, answer);
        }

        return value;
    }

    /// <summary>A key the page promises, present and not null.</summary>
    public static JsonNode RequiredValue(JsonObject item, string key, string what, ApiResponse? answer = null) =>
        Required(item, key, what, answer) ?? Fail<JsonNode>($"expected {what} to carry a value under \"{key}\", but it is null", item, answer);

    public static string RequiredString(JsonObject item, string key, string what, ApiResponse? answer = null) =>
        RequiredValue(item, key, what, answer) is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : Fail<string>($"expected \"{key}\" of {what} to be a string", item, answer);

    /// <summary>A number the page promises (an integer, or its exact digits as a string: the JSON type is a shape rule's).</summary>
    public static long RequiredInteger(JsonObject item, string key, string what, ApiResponse? answer = null) =>
        AnomalyJson.IdOf(RequiredValue(item, key, what, answer)) ?? Fail<long>($"expected \"{key}\" of {what} to be an integer", item, answer);

    // --- pages: the list, history, comments, ticket links ----------------------------------------------

    /// <summary>The items of a collection answer: a bare array, or an envelope (the declared key, a common alias, or its one array).</summary>
    public static Page PageOf(ApiResponse response, string shapeRule)
    {
        var json = response.Json;
        if (json is JsonArray bare)
        {
            return new Page(Objects(bare, response), null, Enveloped: false);
        }

        var envelope = json as JsonObject ?? Fail<JsonObject>("expected a collection: a JSON array or an object holding one", json, response);
        var items = Spelling.ItemsOf(envelope) ?? SingleArray(envelope);
        if (items is null)
        {
            Blocked(shapeRule, $"the items of the answer to {response.Summary}", "page_items_key", response);
        }

        var total = Spelling.PageTotalKeys.Select(k => envelope[k]).Select(AnomalyJson.IdOf).FirstOrDefault(t => t is not null);
        return new Page(Objects(items!, response), total, Enveloped: true);
    }

    public static IReadOnlyList<JsonObject> ListItems(this ApiResponse response) => PageOf(response, ListEnvelopeRule).Items;

    public static IReadOnlyList<JsonObject> HistoryItems(this ApiResponse response) => PageOf(response, HistoryEnvelopeRule).Items;

    public static IReadOnlyList<JsonObject> Comments(this ApiResponse response) => PageOf(response, ShapeRule).Items;

    public static IReadOnlyList<JsonObject> Links(this ApiResponse response) => PageOf(response, ShapeRule).Items;

    /// <summary>The path and query of page <paramref name="page"/> of size <paramref name="size"/> in the target's parameter names.</summary>
    public static string PageQuery(string pathAndQuery, int page, int size) =>
        pathAndQuery + (pathAndQuery.Contains('?', StringComparison.Ordinal) ? "&" : "?")
        + $"{Uri.EscapeDataString(Spelling.PageParam)}={page}&{Uri.EscapeDataString(Spelling.SizeParam)}={size}";

    /// <summary>
    /// Every page of a collection, from page 1 until a page is empty, the items reach the total, or a page is
    /// shorter than the others (a target that ignores the size, or serves everything at once, is still walked whole).
    /// </summary>
    public static async Task<Walk> WalkAsync(ApiClient api, Actor actor, string pathAndQuery, int size, string shapeRule, string purpose = ExchangePurpose.Act, int maxPages = 1000)
    {
        var items = new List<JsonObject>();
        var answers = new List<ApiResponse>();
        long? total = null;
        var pageSize = size;
        for (var page = 1; page <= maxPages; page++)
        {
            var response = (await api.GetAsync(actor, PageQuery(pathAndQuery, page, size), purpose: purpose)).ShouldSucceed($"for page {page} of size {size}");
            answers.Add(response);
            var read = PageOf(response, shapeRule);
            total ??= read.Total;
            items.AddRange(read.Items);
            if (!read.Enveloped && page == 1 && read.Items.Count > size)
            {
                // A bare array longer than the size asked for is the whole collection, unpaged.
                break;
            }

            pageSize = Math.Max(pageSize, read.Items.Count);
            if (read.Items.Count == 0 || (total is { } t && items.Count >= t) || read.Items.Count < pageSize)
            {
                break;
            }
        }

        return new Walk(items, total, answers);
    }

    /// <summary>A ticket link's own id (id, or link_id): the page's DELETE path names it.</summary>
    public static long LinkId(JsonObject link) =>
        AnomalyJson.IdOf(link["id"] ?? link["link_id"]) ?? Blocked<long>(ShapeRule, "the id of a ticket link " + link.ToJsonString(), null);

    // --- the anomaly ----------------------------------------------------------------------------------

    public static string Status(JsonObject anomaly, ApiResponse? answer = null) => RequiredString(anomaly, "status", "the anomaly", answer);

    /// <summary>Archived-ness as the page defines it: an archived status. The archived flag is a shape choice (ANOMALY-ARCHIVED-FLAG).</summary>
    public static bool IsArchived(JsonObject anomaly, ApiResponse? answer = null) => ArchivedStatuses.Contains(Status(anomaly, answer));

    /// <summary>The id of a datastore, container or partition-scan reference: an object with an id, or the id itself.</summary>
    public static long RefId(JsonObject anomaly, string key, ApiResponse? answer = null) =>
        RequiredValue(anomaly, key, "the anomaly", answer) switch
        {
            JsonObject reference => RequiredInteger(reference, "id", $"the anomaly's {key} reference", answer),
            var value => AnomalyJson.IdOf(value) ?? Fail<long>($"expected the anomaly's {key} to be a reference (an object with an id, or an id)", anomaly, answer),
        };

    // --- history --------------------------------------------------------------------------------------

    /// <summary>The id of the user an entry names (the page: "Each entry carries the user who made the change").</summary>
    public static long UserIdOf(JsonObject entry, string what = "the history entry") =>
        RequiredValue(entry, "user", what) switch
        {
            JsonObject user => RequiredInteger(user, "id", $"the user of {what}"),
            var value => AnomalyJson.IdOf(value) ?? Fail<long>($"expected the user of {what} to be an object with an id", entry),
        };

    public static string TimestampOf(JsonObject entry) => RequiredString(entry, "timestamp", "the history entry");

    public static JsonObject ChangesetOf(JsonObject entry) =>
        RequiredValue(entry, "changeset", "the history entry") as JsonObject ?? Fail<JsonObject>("expected the changeset of the history entry to be an object", entry);

    /// <summary>The [before, after] pair of a field in an entry's changeset, or null when the entry does not change it. Tags are read under the declared key or a common alias.</summary>
    public static JsonArray? Change(JsonObject entry, string field)
    {
        var changeset = ChangesetOf(entry);
        var keys = field == "global_tags" ? new[] { Spelling.HistoryTagsKey }.Concat(TagsChangeAliases) : [field];
        var value = keys.Select(k => changeset[k]).FirstOrDefault(v => v is not null);
        return value switch
        {
            null => null,
            JsonArray { Count: 2 } pair => pair,
            _ => Fail<JsonArray>($"expected the changeset value of {field} to be a [before, after] pair", entry),
        };
    }

    /// <summary>The after value of a field's change, as text (status, description), or null when the entry does not change it.</summary>
    public static string? After(JsonObject entry, string field) =>
        Change(entry, field) is { } pair && pair[1] is JsonValue after && after.TryGetValue<string>(out var text) ? text : null;

    // --- comments -------------------------------------------------------------------------------------

    /// <summary>A comment's text: under the declared key or a common alias; unreadable is the comments shape's business.</summary>
    public static string CommentText(JsonObject comment) =>
        new[] { Spelling.CommentTextKey }.Concat(CommentTextAliases).Select(k => comment[k]).OfType<JsonValue>()
            .Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>()).FirstOrDefault()
        ?? Blocked<string>(ShapeRule, "the text of a comment " + comment.ToJsonString(), "comment_text_key");

    /// <summary>The id of a comment's author (user {id}, or user_id); unreadable is the comments shape's business.</summary>
    public static long CommentUserId(JsonObject comment) => comment["user"] switch
    {
        JsonObject user when AnomalyJson.IdOf(user["id"]) is { } id => id,
        _ when AnomalyJson.IdOf(comment["user_id"] ?? comment["user"]) is { } id => id,
        _ => Blocked<long>(ShapeRule, "the author of a comment " + comment.ToJsonString(), null),
    };

    /// <summary>The users a comment mentions: mentioned_user_ids, or mentions as ids or {id} objects.</summary>
    public static long[] Mentions(JsonObject comment) => (comment["mentioned_user_ids"] ?? comment["mentions"]) switch
    {
        JsonArray list => list.Select(m => (m is JsonObject o ? AnomalyJson.IdOf(o["id"]) : AnomalyJson.IdOf(m))
            ?? Blocked<long>(ShapeRule, "a mentioned user of a comment " + comment.ToJsonString(), null)).Order().ToArray(),
        _ => Blocked<long[]>(ShapeRule, "the mentioned users of a comment " + comment.ToJsonString(), null),
    };

    // --- source records -------------------------------------------------------------------------------

    /// <summary>
    /// The fields and rows of a source-record answer. Rows are objects (field to value) or arrays in the order of
    /// the fields; without a field list the fields are the first row's keys.
    /// </summary>
    public static SourceRows SourceRowsOf(ApiResponse response)
    {
        var json = response.Json;
        var body = json as JsonObject;
        // Deployments have served the rows as a JSON-encoded string inside JSON (deployment-facts.md).
        var rows = json as JsonArray
            ?? Spelling.SourceRecordRowsKeys.Select(k => body![k] switch
            {
                JsonValue encoded when encoded.TryGetValue<string>(out var text) && text.TrimStart().StartsWith('[') => ParseArray(text),
                var value => value as JsonArray,
            }).FirstOrDefault(a => a is not null)
            ?? Blocked<JsonArray>(ShapeRule, $"the rows of the answer to {response.Summary}", "source_record_rows_key", response);
        var declared = body is null ? null : Spelling.SourceRecordFieldsKeys.Select(k => body[k]).OfType<JsonArray>().FirstOrDefault();
        var fields = declared?.Select(f => f is JsonValue v && v.TryGetValue<string>(out var name) ? name : Blocked<string>(ShapeRule, "a field name " + f?.ToJsonString(), "source_record_fields_key", response)).ToList()
            ?? (rows.FirstOrDefault() as JsonObject)?.Select(p => p.Key).ToList()
            ?? [];
        var read = new List<IReadOnlyDictionary<string, JsonNode?>>();
        foreach (var row in rows)
        {
            read.Add(row switch
            {
                JsonObject o => o.ToDictionary(p => p.Key, p => p.Value?.DeepClone()),
                JsonArray cells when cells.Count == fields.Count => fields.Select((f, i) => (f, cells[i]?.DeepClone())).ToDictionary(c => c.f, c => c.Item2),
                _ => Blocked<IReadOnlyDictionary<string, JsonNode?>>(ShapeRule, "a source-record row " + row?.ToJsonString(), "source_record_rows_key", response),
            });
        }

        return new SourceRows(fields, read);
    }

    // --- timestamps -----------------------------------------------------------------------------------

    /// <summary>The instant of an ISO 8601 date-time that states its offset (Z or ±hh:mm), any fraction; null otherwise.</summary>
    public static DateTimeOffset? Instant(string? text) =>
        text is { Length: > 6 } && text.Contains('T', StringComparison.Ordinal) && (text.EndsWith('Z') || text[^6] is '+' or '-')
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var value)
            ? value
            : null;

    // --- verdicts -------------------------------------------------------------------------------------

    /// <summary>Inconclusive: the check cannot find what it needs in the answer, a shape rule's concern.</summary>
    /// <param name="representationKey">The key a target that spells it otherwise declares, or null where none can be declared.</param>
    public static void Blocked(string shapeRule, string what, string? representationKey, ApiResponse? answer = null) =>
        Assert.Inconclusive($"not judged: {what} could not be read ({shapeRule} judges the shape"
            + (representationKey is null ? ")" : $"; a target that spells it otherwise declares --representation {representationKey}=NAME)")
            + (answer is null ? "" : $"\n{answer}"));

    public static T Blocked<T>(string shapeRule, string what, string? representationKey, ApiResponse? answer = null)
    {
        Blocked(shapeRule, what, representationKey, answer);
        return default!;
    }

    private static void Fail(string expectation, JsonNode item, ApiResponse? answer)
    {
        if (answer is not null)
        {
            ResponseAssertions.Fail(expectation, answer);
        }

        Assert.Fail($"{expectation}: {Shorten(item.ToJsonString())}");
    }

    /// <summary>Fails the check with the expectation and the object (or the answer) that contradicted it.</summary>
    public static T Fail<T>(string expectation, JsonNode item, ApiResponse? answer = null)
    {
        Fail(expectation, item, answer);
        return default!;
    }

    private static string Shorten(string text) => text.Length <= 600 ? text : text[..600] + $"... ({text.Length} chars)";

    private static JsonArray? ParseArray(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonArray;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonArray? SingleArray(JsonObject envelope)
    {
        var arrays = envelope.Select(p => p.Value).OfType<JsonArray>().ToList();
        return arrays.Count == 1 ? arrays[0] : null;
    }

    private static List<JsonObject> Objects(JsonArray items, ApiResponse response) =>
        items.Select(i => i as JsonObject ?? Fail<JsonObject>("expected every item of the collection to be an object", i ?? JsonValue.Create("null"), response)).ToList();
}

/// <summary>One page of a collection: its items, the total it states (null when it states none), and whether it came in an envelope.</summary>
public sealed record Page(IReadOnlyList<JsonObject> Items, long? Total, bool Enveloped);

/// <summary>Every item a walk over the pages collected, the total the first page that stated one gave, and each page's answer.</summary>
public sealed record Walk(IReadOnlyList<JsonObject> Items, long? Total, IReadOnlyList<ApiResponse> Answers);

/// <summary>Source records as fields in order and rows by field.</summary>
public sealed record SourceRows(IReadOnlyList<string> Fields, IReadOnlyList<IReadOnlyDictionary<string, JsonNode?>> Rows)
{
    public IEnumerable<JsonNode?> Column(string field) => Rows.Select(r => r.GetValueOrDefault(field));
}
