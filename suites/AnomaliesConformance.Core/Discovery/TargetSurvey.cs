using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core.Http;

namespace AnomaliesConformance.Core.Discovery;

/// <summary>
/// What the checks could use of one existing anomaly, as its Admin reads it through the page's own GETs.
/// Null means the target did not say (an envelope or key it spells its own way): such a trait never
/// qualifies the anomaly for a purpose that needs it.
/// </summary>
public sealed record AnomalyTraits
{
    public required long Id { get; init; }
    public required string Uuid { get; init; }
    public long? DatastoreId { get; init; }
    public string? Type { get; init; }
    public string? Status { get; init; }
    public IReadOnlyList<string> FailedCheckFields { get; init; } = [];
    public int FailedChecks { get; init; }

    /// <summary>The failed checks in the order the anomaly lists them: what search and the check filters match.</summary>
    public IReadOnlyList<FailedCheckTraits> FailedCheckList { get; init; } = [];
    public string? Description { get; init; }
    public long? Fingerprint { get; init; }
    public int SharingFingerprint { get; init; }
    public int Tags { get; init; }
    public IReadOnlyList<string> TagNames { get; init; } = [];
    public int Assignees { get; init; }
    public DateTimeOffset? Created { get; init; }
    public long? Weight { get; init; }
    public long? AnomalousRecordsCount { get; init; }

    /// <summary>The anomaly lists its anomalous_records_count as null (a shape's, say), not just without one.</summary>
    public bool AnomalousRecordsCountIsNull { get; init; }
    public int? SourceRows { get; init; }
    public IReadOnlyList<string>? MaskedFields { get; init; }

    /// <summary>The kinds of value the source rows read hold (<see cref="SourceValueKinds"/>): what a CSV rendering can be judged on.</summary>
    public IReadOnlySet<string>? SourceValueKinds { get; init; }
    public int? Comments { get; init; }
    public int? DeletedComments { get; init; }

    /// <summary>How many different creation times the visible comments have.</summary>
    public int? DistinctCommentTimes { get; init; }
    public int? TicketLinks { get; init; }
    public IReadOnlyList<long> IntegrationIds { get; init; } = [];

    /// <summary>
    /// Soft-deleted: absent from every list and answered only with include_deleted=true. Such an anomaly is
    /// neither open nor archived to a check that does not ask for soft deletion by name.
    /// </summary>
    public bool SoftDeleted { get; init; }

    public bool IsOpen => !SoftDeleted && Status is "Active" or "Acknowledged";

    public bool IsArchived => !SoftDeleted && Status is "Resolved" or "Duplicate" or "Invalid" or "Discarded";
}

/// <summary>One failed check of an anomaly as its representation gives it; null where it does not say.</summary>
public sealed record FailedCheckTraits(long? Id, string? RuleType, string? Message, IReadOnlyList<string> Fields);

/// <summary>
/// Reads a target as its Admin, with GETs only, to find what its existing anomalies could be used for
/// (`--discover`). Bounded for a deployment holding 100,000 anomalies: it walks at most
/// <see cref="MaxListed"/> of the list and reads the details of at most <see cref="MaxDetailed"/> of
/// them, spread over datastores, types and statuses. Never sends include_masked=true: that read writes
/// an audit entry.
/// </summary>
public sealed class TargetSurvey(ApiClient api, Actor admin, Representation spelling)
{
    public const int MaxListed = 2_000;
    public const int MaxDetailed = 400;

    /// <summary>How many ids between the listed ones are asked for with include_deleted=true, to find soft-deleted anomalies.</summary>
    public const int MaxGapProbes = 200;

    public async Task<IReadOnlyList<AnomalyTraits>> ReadAsync(CancellationToken ct = default)
    {
        var listed = await ListAsync(ct);
        var byFingerprint = listed.Where(a => a.Fingerprint is not null).GroupBy(a => a.Fingerprint).ToDictionary(g => g.Key!.Value, g => g.Count());
        listed = [.. listed.Select(a => a with { SharingFingerprint = a.Fingerprint is { } f ? byFingerprint[f] - 1 : 0 })];
        var detailed = new ConcurrentBag<AnomalyTraits>();
        // A few at a time: a staging deployment shares its capacity with people.
        await Parallel.ForEachAsync(RoundRobin.Take(listed, a => (a.DatastoreId, a.Type, a.Status), MaxDetailed), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (anomaly, token) =>
            detailed.Add(await DetailAsync(anomaly, token)));
        var ids = detailed.Select(d => d.Id).ToHashSet();
        return [.. detailed.OrderBy(d => d.Id), .. listed.Where(a => !ids.Contains(a.Id)), .. await SoftDeletedAsync(listed, ct)];
    }

    /// <summary>
    /// Soft-deleted anomalies are in no list: where ids are numbered in sequence, those missing between listed
    /// ones are asked for with include_deleted=true (a few at a time, at most <see cref="MaxGapProbes"/>), and
    /// one that answers is soft-deleted. A target whose ids are not sequential yields none, and loses nothing.
    /// </summary>
    private async Task<IReadOnlyList<AnomalyTraits>> SoftDeletedAsync(IReadOnlyList<AnomalyTraits> listed, CancellationToken ct)
    {
        var ids = listed.Select(a => a.Id).ToHashSet();
        if (ids.Count < 2)
        {
            return [];
        }

        var gaps = new List<long>();
        for (var id = ids.Min() + 1; id < ids.Max() && gaps.Count < MaxGapProbes; id++)
        {
            if (!ids.Contains(id))
            {
                gaps.Add(id);
            }
        }

        var found = new ConcurrentBag<AnomalyTraits>();
        await Parallel.ForEachAsync(gaps, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (id, token) =>
        {
            var response = await api.GetAsync(admin, $"/api/anomalies/{id}?include_deleted=true", token, ExchangePurpose.Verify);
            if (response.Status == 200 && response.JsonOrNull() is JsonObject anomaly && Representation.IntegerOf(anomaly["id"]) == id)
            {
                found.Add(TraitsOf(id, anomaly) with { SoftDeleted = true });
            }
        });
        return [.. found.OrderBy(a => a.Id)];
    }

    private async Task<List<AnomalyTraits>> ListAsync(CancellationToken ct)
    {
        var found = new Dictionary<long, AnomalyTraits>();
        const int size = 100;
        for (var page = 1; found.Count < MaxListed; page++)
        {
            var response = await api.GetAsync(admin, $"/api/anomalies?archived=include&sort_id=asc&{spelling.PageParam}={page}&{spelling.SizeParam}={size}", ct, ExchangePurpose.Verify);
            if (response.Status != 200)
            {
                throw new SetupException($"listing the target's anomalies as its admin: {response.Summary}");
            }

            var items = spelling.ItemsOf(response.JsonOrNull());
            if (items is null)
            {
                throw new SetupException($"listing the target's anomalies: no list of items in the answer (declare representation.page_items_key): {response.Summary}");
            }

            var added = 0;
            foreach (var item in items.OfType<JsonObject>())
            {
                if (Representation.IntegerOf(item["id"]) is { } id && !found.ContainsKey(id))
                {
                    found[id] = TraitsOf(id, item);
                    added++;
                }
            }

            if (items.Count < size || added == 0)
            {
                break;
            }
        }

        return [.. found.Values];
    }

    private async Task<AnomalyTraits> DetailAsync(AnomalyTraits anomaly, CancellationToken ct)
    {
        var comments = api.GetAsync(admin, $"/api/anomalies/{anomaly.Id}/comments?include_deleted=true", ct, ExchangePurpose.Verify);
        var links = api.GetAsync(admin, $"/api/anomalies/{anomaly.Id}/ticket-links", ct, ExchangePurpose.Verify);
        var records = api.GetAsync(admin, SourceRecordsPath(anomaly.Id), ct, ExchangePurpose.Verify);
        // A listed anomaly that GET one hides is soft-deleted all the same (a list that shows those deviates, and
        // the checks on soft deletion need to know which ones they are).
        var itself = api.GetAsync(admin, $"/api/anomalies/{anomaly.Id}", ct, ExchangePurpose.Verify);
        await Task.WhenAll(comments, links, records, itself);
        var softDeleted = (await itself).Status == 404
            && (await api.GetAsync(admin, $"/api/anomalies/{anomaly.Id}?include_deleted=true", ct, ExchangePurpose.Verify)).Status == 200;
        var commentItems = (await comments).Status == 200 ? spelling.ItemsOf((await comments).JsonOrNull()) : null;
        var linkItems = (await links).Status == 200 ? spelling.ItemsOf((await links).JsonOrNull()) : null;
        return WithSourceRecords(WithComments(anomaly, commentItems), await records, spelling) with
        {
            TicketLinks = linkItems?.Count,
            IntegrationIds = [.. (linkItems ?? []).Select(l => Representation.IntegerOf(l?["integration_id"])).OfType<long>().Distinct()],
            SoftDeleted = softDeleted,
        };
    }

    /// <summary>The path of the source-record read the traits are counted from (up to 100 rows, never include_masked).</summary>
    public static string SourceRecordsPath(long id) => $"/api/anomalies/{id}/source-record?limit=100";

    /// <summary>An anomaly's traits with its source rows counted and its masked fields named, from the answer to <see cref="SourceRecordsPath"/>.</summary>
    public static AnomalyTraits WithSourceRecords(AnomalyTraits traits, ApiResponse records, Representation spelling)
    {
        var recordBody = records.Status == 200 ? records.JsonOrNull() : null;
        var rows = recordBody as JsonArray ?? spelling.SourceRecordRowsKeys.Select(k => recordBody?[k]).OfType<JsonArray>().FirstOrDefault();
        return traits with
        {
            SourceRows = rows?.Count,
            MaskedFields = recordBody?["masked_fields"] is JsonArray masked ? [.. masked.Select(m => m?.ToString() ?? "")] : null,
            SourceValueKinds = rows is null ? null : SourceValueKinds.Of(rows),
        };
    }

    /// <summary>An anomaly's traits with its comments counted from a list read with include_deleted=true.</summary>
    public static AnomalyTraits WithComments(AnomalyTraits traits, JsonArray? comments) => traits with
    {
        Comments = comments?.Count(c => !Deleted(c)),
        DeletedComments = comments?.Count(Deleted),
        DistinctCommentTimes = comments?.Where(c => !Deleted(c)).Select(c => c?["created"]?.ToString()).Distinct().Count(),
    };

    private static bool Deleted(JsonNode? comment) => comment?["deleted"] is JsonValue v && v.TryGetValue<bool>(out var deleted) && deleted;

    /// <summary>What one anomaly's own representation (a list item or its detail) says of it, read leniently.</summary>
    public static AnomalyTraits TraitsOf(long id, JsonObject item) => new()
    {
        Id = id,
        Uuid = item["uuid"]?.ToString() ?? "",
        DatastoreId = Representation.IntegerOf(item["datastore"] is JsonObject ds ? ds["id"] : item["datastore"] ?? item["datastore_id"]),
        Type = item["type"]?.ToString(),
        Status = item["status"]?.ToString(),
        FailedChecks = (item["failed_checks"] as JsonArray)?.Count ?? 0,
        FailedCheckFields = [.. (item["failed_checks"] as JsonArray ?? []).SelectMany(c => c?["fields"] as JsonArray ?? []).Select(f => f?.ToString() ?? "").Distinct()],
        FailedCheckList = [.. (item["failed_checks"] as JsonArray ?? []).OfType<JsonObject>().Select(c => new FailedCheckTraits(
            Representation.IntegerOf(c["id"]),
            c["rule_type"]?.ToString(),
            c["message"]?.ToString(),
            [.. (c["fields"] as JsonArray ?? []).Select(f => f?.ToString() ?? "")]))],
        Description = item["description"]?.ToString(),
        Fingerprint = Representation.IntegerOf(item["fingerprint"]),
        Tags = (item["global_tags"] as JsonArray ?? item["tags"] as JsonArray)?.Count ?? 0,
        TagNames = [.. (item["global_tags"] as JsonArray ?? item["tags"] as JsonArray ?? []).Select(t => t is JsonObject tag ? tag["name"]?.ToString() : t?.ToString()).OfType<string>()],
        Assignees = (item["assignees"] as JsonArray)?.Count ?? 0,
        Created = DateTimeOffset.TryParse(item["created"]?.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var created) ? created : null,
        Weight = Representation.IntegerOf(item["weight"]),
        AnomalousRecordsCount = Representation.IntegerOf(item["anomalous_records_count"]),
        AnomalousRecordsCountIsNull = item.TryGetPropertyValue("anomalous_records_count", out var count) && count is null,
    };
}

/// <summary>
/// The kinds of value in source rows that a CSV writer can get wrong: a number with a fraction (a decimal comma),
/// a boolean (True), a null (the text "null"). A check of the CSV rendering judges only what the rows hold.
/// </summary>
public static class SourceValueKinds
{
    public const string Decimal = "decimal";
    public const string Boolean = "boolean";
    public const string Null = "null";

    /// <summary>The kinds among the values of rows given as objects or as arrays in field order.</summary>
    public static IReadOnlySet<string> Of(IEnumerable<JsonNode?> rows) => OfValues(rows.SelectMany(row => row switch
    {
        JsonObject record => record.Select(p => p.Value),
        JsonArray cells => cells.AsEnumerable(),
        _ => [],
    }));

    /// <summary>The kinds among these values.</summary>
    public static IReadOnlySet<string> OfValues(IEnumerable<JsonNode?> values) => values.Select(KindOf).OfType<string>().ToHashSet(StringComparer.Ordinal);

    private static string? KindOf(JsonNode? value) => value switch
    {
        null => Null,
        JsonValue v when v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => Boolean,
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number && v.ToJsonString().IndexOfAny(['.', 'e', 'E']) >= 0 => Decimal,
        _ => null,
    };
}
