using System.Globalization;
using System.Text.Json.Nodes;
using Bogus;

namespace AnomaliesConformance.Core.Provisioning;

/// <summary>
/// Describes a test's fixtures and provisions them in one batch. Values a test does not fix come from a
/// Bogus faker seeded per test, with a fixed reference date, so a run is reproduced by its printed seed.
/// </summary>
public sealed class WorldBuilder
{
    public const string MaskedValue = "********";

    // Anomalies are dated relative to this, not to "now", so seeded data is identical between runs.
    private static readonly DateTimeOffset ReferenceDate = new(2026, 5, 15, 12, 0, 0, TimeSpan.Zero);
    private static long worldCounter;

    // Bogus loads its locale data lazily into shared structures; its thread safety has had holes before
    // (bchavez/Bogus#127, an NRE in DataSet.GetRandomArrayItem). One full run in about a thousand ended a
    // test with a NullReferenceException before its first request, so data sets are made (on first use) and
    // fake values drawn one builder at a time. It costs microseconds per world against milliseconds of provisioning.
    private static readonly Lock FakerGate = new();

    private readonly Dictionary<string, AnomalySpec> anomalies = new(StringComparer.Ordinal);
    private readonly List<string> containers = ["main"];
    private readonly List<string> integrations = [];
    private readonly List<string> extraTags = [];
    private readonly Dictionary<string, string?> grantOverrides = new(StringComparer.Ordinal);
    private readonly SeededFaker faker;
    private readonly Randomizer random;

    public WorldBuilder(string runPrefix, int seed)
    {
        Prefix = $"{runPrefix}w{Interlocked.Increment(ref worldCounter)}";
        faker = new SeededFaker(seed);
        random = faker.Random;
    }

    public string Prefix { get; }

    /// <summary>The anomalies asked for, by key, in the order they were described: the world's requirements as data.</summary>
    public IReadOnlyDictionary<string, AnomalySpec> Anomalies => anomalies;

    /// <summary>Container keys of the world's datastore ("main" first).</summary>
    public IReadOnlyList<string> ContainerKeys => containers;

    /// <summary>Integration keys (ticketing systems) the world needs.</summary>
    public IReadOnlyList<string> IntegrationKeys => integrations;

    /// <summary>Short names of tags the world adds to the catalogue without putting them on an anomaly.</summary>
    public IReadOnlyList<string> CatalogueTags => extraTags;

    /// <summary>Team permissions that differ from a cast member's own on the world's datastore (null: none).</summary>
    public IReadOnlyDictionary<string, string?> Grants => grantOverrides;

    /// <summary>How the world can be made of existing anomalies (null: only as arranged from its spec).</summary>
    public ExistingNeed? Existing { get; private set; }

    /// <summary>
    /// Declares that the check reads back from the target everything it relies on of its anomalies beyond what
    /// the page lets it write (their creation times, weights, fingerprints, failed checks, source records) and
    /// derives its expectations from what it read, so the values its spec chooses only shape a provisioned
    /// world. On existing data the anomalies <paramref name="need"/> picks, one for each of the spec's in order,
    /// will do (<see cref="ExistingNeeds"/>).
    /// </summary>
    public WorldBuilder OnExisting(ExistingNeed need)
    {
        Existing = need;
        return this;
    }

    public WorldBuilder Anomaly(string key, AnomalySpec? spec = null)
    {
        anomalies[key] = spec ?? new AnomalySpec();
        return this;
    }

    public WorldBuilder Container(string key)
    {
        if (!containers.Contains(key))
        {
            containers.Add(key);
        }

        return this;
    }

    /// <summary>Adds a tag to the target's catalogue without putting it on any anomaly.</summary>
    public WorldBuilder Tag(string shortName)
    {
        extraTags.Add(shortName);
        return this;
    }

    public WorldBuilder Integration(string key)
    {
        integrations.Add(key);
        return this;
    }

    /// <summary>Gives a cast member another team permission (or none) on this world's datastore.</summary>
    public WorldBuilder Grant(string castLabel, string? permission)
    {
        grantOverrides[castLabel] = permission;
        return this;
    }

    public JsonObject ToBatch(IReadOnlyDictionary<string, long> castUserIds)
    {
        var grants = new JsonArray();
        foreach (var member in CastMember.Everyone)
        {
            var permission = grantOverrides.TryGetValue(member.Label, out var overridden) ? overridden : member.TeamPermission;
            if (permission is not null)
            {
                grants.Add(new JsonObject { ["user"] = castUserIds[member.Label], ["datastore"] = "ds", ["permission"] = permission });
            }
        }

        var tagNames = anomalies.Values.SelectMany(a => a.Tags).Concat(extraTags).Distinct(StringComparer.Ordinal).Select(t => (JsonNode?)FullTag(t));
        return new JsonObject
        {
            ["datastores"] = new JsonArray(new JsonObject
            {
                ["key"] = "ds",
                ["name"] = $"{Prefix} datastore",
                ["containers"] = new JsonArray(containers.Select(c => (JsonNode?)new JsonObject { ["key"] = c, ["name"] = $"{Prefix} {c}" }).ToArray()),
            }),
            ["grants"] = grants,
            ["tags"] = new JsonArray(tagNames.ToArray()),
            ["integrations"] = new JsonArray(integrations.Select(i => (JsonNode?)new JsonObject { ["key"] = i, ["name"] = $"{Prefix} {i}", ["kind"] = "jira" }).ToArray()),
            ["anomalies"] = FakeAnomalies(castUserIds),
        };
    }

    private JsonArray FakeAnomalies(IReadOnlyDictionary<string, long> castUserIds)
    {
        lock (FakerGate)
        {
            return new JsonArray(anomalies.Select(a => (JsonNode?)AnomalyJson(a.Key, a.Value, castUserIds)).ToArray());
        }
    }

    public World ToWorld(JsonObject answer)
    {
        var datastore = answer["datastores"]!["ds"]!;
        return new World
        {
            Prefix = Prefix,
            DatastoreId = datastore["id"]!.GetValue<long>(),
            Containers = datastore["containers"]!.AsObject().ToDictionary(c => c.Key, c => c.Value!.GetValue<long>()),
            Anomalies = answer["anomalies"]!.AsObject().ToDictionary(
                a => a.Key,
                a => new ProvisionedAnomaly(a.Key, a.Value!["id"]!.GetValue<long>(), a.Value!["uuid"]!.GetValue<string>())),
            Integrations = (answer["integrations"] as JsonObject ?? []).ToDictionary(i => i.Key, i => i.Value!.GetValue<long>()),
            Specs = new Dictionary<string, AnomalySpec>(anomalies),
        };
    }

    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private string FullTag(string shortName) => $"{Prefix}-{shortName}";

    private JsonObject AnomalyJson(string key, AnomalySpec spec, IReadOnlyDictionary<string, long> castUserIds)
    {
        var created = spec.Created ?? ReferenceDate.AddMinutes(-random.Int(1, 60 * 24 * 30)).AddTicks(random.Int(0, 9_999_999));
        var checks = spec.FailedChecks ??
        [
            new FailedCheckSpec(
                random.Long(1_000_000, 9_000_000_000),
                random.ArrayElement(["notNull", "between", "matchesPattern", "isUnique", "expectedValues"]),
                $"{Prefix} {faker.Lorem.Sentence(4)}",
                [faker.Database.Column()]),
        ];
        var records = spec.SourceRecords ?? DefaultSourceRecords();
        return new JsonObject
        {
            ["key"] = key,
            ["datastore"] = "ds",
            ["container"] = spec.Container,
            ["type"] = spec.Type ?? "record",
            ["status"] = spec.Status ?? "Active",
            ["weight"] = spec.Weight ?? random.Int(1, 100),
            ["anomalous_records_count"] = spec.AnomalousRecordsCountIsNull ? null : spec.AnomalousRecordsCount ?? random.Int(1, 500),
            ["description"] = spec.Description ?? $"{Prefix} {faker.Hacker.Phrase()}",
            ["created"] = Timestamp(created),
            ["fingerprint"] = spec.Fingerprint ?? random.Long(1, long.MaxValue / 2),
            ["tags"] = new JsonArray(spec.Tags.Select(t => (JsonNode?)FullTag(t)).ToArray()),
            ["assignees"] = new JsonArray(spec.Assignees.Select(a => (JsonNode?)castUserIds[a]).ToArray()),
            ["soft_deleted"] = spec.SoftDeleted,
            ["failed_checks"] = new JsonArray(checks.Select(c => (JsonNode?)new JsonObject
            {
                ["id"] = c.Id,
                ["rule_type"] = c.RuleType,
                ["message"] = c.Message,
                ["fields"] = new JsonArray(c.Fields.Select(f => (JsonNode?)f).ToArray()),
            }).ToArray()),
            ["source_records"] = new JsonObject
            {
                ["fields"] = new JsonArray(records.Fields.Select(f => (JsonNode?)f).ToArray()),
                ["masked_fields"] = new JsonArray(records.MaskedFields.Select(f => (JsonNode?)f).ToArray()),
                ["rows"] = new JsonArray(records.Rows.Select(r => (JsonNode?)new JsonObject(
                    r.Select(kv => KeyValuePair.Create(kv.Key, JsonValueOf(kv.Value))))).ToArray()),
            },
            ["comments"] = new JsonArray(spec.Comments.Select(c => (JsonNode?)new JsonObject
            {
                ["user"] = castUserIds[c.Author],
                ["comment"] = c.Text,
                ["created"] = Timestamp(c.Created),
                ["deleted"] = c.Deleted,
            }).ToArray()),
        };
    }

    private SourceRecordsSpec DefaultSourceRecords()
    {
        // Twelve rows: more than the default limit of 10, so the limit is observable.
        var rows = Enumerable.Range(1, 12).Select(i => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
        {
            ["order_id"] = i,
            ["customer"] = faker.Name.FullName(),
            ["amount"] = Math.Round(random.Double(1, 999), 2),
            ["ssn"] = random.ReplaceNumbers("###-##-####"),
        }).ToList();
        return new SourceRecordsSpec(["order_id", "customer", "amount", "ssn"], ["ssn"], rows);
    }

    private static JsonNode? JsonValueOf(object? value) => value switch
    {
        null => null,
        string s => s,
        int i => i,
        long l => l,
        double d => d,
        bool b => b,
        _ => value.ToString(),
    };
}
