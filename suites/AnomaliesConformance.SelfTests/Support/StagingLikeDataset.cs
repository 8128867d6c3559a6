using System.Globalization;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Provisioning;

namespace AnomaliesConformance.SelfTests.Support;

/// <summary>
/// What a staging deployment holds after real scans, seeded into a reference server through its own
/// extension (which the suite under test is not told about): a few hundred anomalies over several
/// datastores with varied traits, and a user for every cast label granted its permission on every
/// datastore (member-none holds none: it sees no datastore).
/// </summary>
public static class StagingLikeDataset
{
    public const int Datastores = 4;
    public const int AnomaliesPerDatastore = 100;

    /// <summary>The datastore of open anomalies to spend, when a batch asks for some.</summary>
    public const string SpareDatastore = "spare";
    private const int RegrantedAnomalies = 12;

    /// <summary>The datastores (after the <see cref="Datastores"/> large ones) where one user holds another team permission than its label's.</summary>
    public static IReadOnlyList<(string Label, string Datastore, string Permission)> Regrants { get; } =
    [
        ("member-author", "ds5", "Viewer"),
        ("member-author", "ds6", "Reporter"),
        ("member-author", "ds7", "Editor"),
        ("member-reporter", "ds8", "Viewer"),
    ];
    private static readonly string[] Statuses = ["Active", "Active", "Active", "Acknowledged", "Acknowledged", "Resolved", "Duplicate", "Invalid", "Discarded"];
    private static readonly string[] Fields = ["customer_id", "email", "order_total", "ship_date", "country"];
    private static readonly string[] RuleTypes = ["notNull", "between", "matchesPattern", "isUnique"];
    /// <summary>The hour of each thread comment, in the order they are written.</summary>
    private static readonly int[] ThreadHours = [1, 0, 2, 3, 4];

    private static readonly string[] TagCatalogue = ["High", "Low", "Customer-Impact", "PII", "Finance", "Ops", "Nightly", "Legacy"];

    /// <param name="withoutGrant">A user left without its grant on one datastore (1-based), as an admin screen forgot it.</param>
    public static JsonObject Batch(int seed, (string Label, int Datastore)? withoutGrant = null, int spare = 0)
    {
        var faker = new SeededFaker(seed);
        var random = faker.Random;
        var users = CastMember.Everyone.Select(m => (JsonNode?)new JsonObject
        {
            ["key"] = m.Label,
            ["name"] = faker.Name.FullName(),
            ["email"] = $"{m.Label}@staging.example.test",
            ["role"] = m.GlobalRole,
        }).ToArray();
        var datastores = Enumerable.Range(1, Datastores).Select(d => (JsonNode?)new JsonObject
        {
            ["key"] = $"ds{d}",
            ["name"] = $"warehouse {d}",
            ["containers"] = new JsonArray(new JsonObject { ["key"] = "orders", ["name"] = "orders" }, new JsonObject { ["key"] = "customers", ["name"] = "customers" }),
        }).ToArray();
        var grants = CastMember.Everyone.Where(m => m.TeamPermission is not null)
            .SelectMany(m => Enumerable.Range(1, Datastores).Where(d => withoutGrant != (m.Label, d)).Select(d => (JsonNode?)new JsonObject { ["user"] = m.Label, ["datastore"] = $"ds{d}", ["permission"] = m.TeamPermission }))
            .ToArray();
        var anomalies = new List<JsonNode?>();
        // Tags drawn apart, so adding them left every other trait of the data set as it was.
        var tagging = new Bogus.Randomizer(seed + 1);
        // Second failed checks and masked salaries drawn apart too, for the same reason.
        var checking = new Bogus.Randomizer(seed + 2);
        long previousFingerprint = 0;
        var recurring = new Dictionary<int, long>();
        for (var d = 1; d <= Datastores; d++)
        {
            for (var i = 0; i < AnomaliesPerDatastore; i++)
            {
                var type = random.Bool(0.8f) ? "record" : "shape";
                var field = random.ArrayElement(Fields);
                // About one in ten recurs: it shares the fingerprint of the one before.
                var fingerprint = previousFingerprint != 0 && random.Bool(0.1f) ? previousFingerprint : random.Long(1, long.MaxValue / 2);
                // Some recur across the warehouses (the same check fails in each replica): the first
                // datastore's 7th of every 20 recurs in its 8th and in the others' 7th.
                if ((i % 20 == 8 && d == 1) || (i % 20 == 7 && d > 1))
                {
                    fingerprint = recurring[i - (i % 20) + 7];
                }

                recurring.TryAdd(i, fingerprint);
                previousFingerprint = fingerprint;
                var anomaly = new JsonObject
                {
                    ["key"] = $"d{d}a{i}",
                    ["datastore"] = $"ds{d}",
                    ["container"] = random.Bool() ? "orders" : "customers",
                    ["type"] = type,
                    ["status"] = random.ArrayElement(Statuses),
                    ["weight"] = random.Int(1, 100),
                    ["anomalous_records_count"] = type == "record" ? random.Int(1, 400) : null,
                    ["description"] = faker.Hacker.Phrase(),
                    ["created"] = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(-random.Int(0, 60 * 24 * 90)).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
                    ["fingerprint"] = fingerprint,
                    // Rescans retire some: soft-deleted, in no list, answered only with include_deleted=true.
                    ["soft_deleted"] = i % 20 == 11,
                    ["tags"] = new JsonArray([.. (tagging.Bool(0.3f) ? tagging.ArrayElements(TagCatalogue, tagging.Int(1, 2)) : []).Select(t => (JsonNode?)t)]),
                    ["failed_checks"] = new JsonArray(new JsonObject
                    {
                        ["id"] = random.Long(1_000, 9_000_000),
                        ["rule_type"] = random.ArrayElement(RuleTypes),
                        ["message"] = $"{field}: {faker.Lorem.Sentence(4)}",
                        ["fields"] = new JsonArray(field),
                    }),
                    ["comments"] = new JsonArray([.. Enumerable.Range(0, random.Int(0, 4)).Select(c => (JsonNode?)new JsonObject
                    {
                        ["user"] = random.ArrayElement(["member-viewer", "member-author", "manager-editor"]),
                        ["comment"] = faker.Lorem.Sentence(6),
                        ["created"] = "2026-11-02T10:00:00.000000Z",
                        ["deleted"] = c == 1 && random.Bool(0.5f),
                    })]),
                };
                if (checking.Bool(0.2f))
                {
                    // About one in five failed a second check too, on another field and by another rule.
                    var first = anomaly["failed_checks"]![0]!;
                    var otherField = checking.ArrayElement(Fields.Where(f => f != field).ToArray());
                    anomaly["failed_checks"]!.AsArray().Add(new JsonObject
                    {
                        ["id"] = checking.Long(9_000_001, 9_900_000),
                        ["rule_type"] = checking.ArrayElement(RuleTypes.Where(r => r != first["rule_type"]!.GetValue<string>()).ToArray()),
                        ["message"] = $"{otherField}: {string.Join(' ', checking.WordsArray(4))}",
                        ["fields"] = new JsonArray(otherField),
                    });
                }

                if (i % 10 == 3)
                {
                    // Every tenth holds a longer thread, at distinct times, one comment withdrawn: what comment
                    // windows are judged on. Its first two were imported out of order, so their ids do not
                    // follow their times (what tells an order by time from an order by id).
                    var thread = anomaly["comments"]!.AsArray();
                    for (var c = 0; c < 5; c++)
                    {
                        thread.Add(new JsonObject
                        {
                            ["user"] = tagging.ArrayElement(["member-viewer", "member-author", "manager-editor"]),
                            ["comment"] = $"thread comment {c} on d{d}a{i}",
                            ["created"] = new DateTimeOffset(2026, 11, 3, 8, 0, 0, TimeSpan.Zero).AddMinutes(tagging.Int(1, 59) + (60 * ThreadHours[c])).AddTicks(tagging.Int(0, 999_999) * 10).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
                            ["deleted"] = c == 2,
                        });
                    }
                }

                if (i % 10 == 6)
                {
                    // Every tenth was found by the same scan as the one before it (the same creation time), and
                    // every other of those by the same check too (the same weight): what the default order's and
                    // the sorts' tie-breaks are judged on. Set apart from the draws, so the other traits are as they were.
                    var sameScan = anomalies[^1]!;
                    anomaly["created"] = sameScan["created"]!.DeepClone();
                    if (i % 20 == 6)
                    {
                        anomaly["weight"] = sameScan["weight"]!.DeepClone();
                    }
                }

                if (type == "record")
                {
                    var masked = random.Bool(0.25f);
                    anomaly["source_records"] = new JsonObject
                    {
                        ["fields"] = new JsonArray("order_id", field, "ssn"),
                        ["masked_fields"] = masked ? new JsonArray("ssn") : new JsonArray(),
                        ["rows"] = new JsonArray([.. Enumerable.Range(1, random.Int(3, 15)).Select(r => (JsonNode?)new JsonObject
                        {
                            ["order_id"] = r,
                            [field] = faker.Lorem.Word(),
                            ["ssn"] = random.ReplaceNumbers("###-##-####"),
                        })]),
                    };
                    if (masked && checking.Bool(0.5f))
                    {
                        // Half of the masked ones hold a masked salary too: a number, masked like the text.
                        anomaly["source_records"]!["fields"]!.AsArray().Add("salary");
                        anomaly["source_records"]!["masked_fields"]!.AsArray().Add("salary");
                        foreach (var row in anomaly["source_records"]!["rows"]!.AsArray())
                        {
                            row!["salary"] = checking.Int(30_000, 150_000);
                        }
                    }
                }

                anomalies.Add(anomaly);
            }
        }

        // In every datastore its first open anomaly was found in the last second of its UTC day: where a created_date
        // filter ending a second early shows.
        for (var d = 1; d <= Datastores; d++)
        {
            if (anomalies.OfType<JsonObject>().FirstOrDefault(a => a["datastore"]!.GetValue<string>() == $"ds{d}" && a["status"]!.GetValue<string>() == "Active" && a["soft_deleted"]?.GetValue<bool>() != true) is { } late)
            {
                var created = DateTimeOffset.Parse(late["created"]!.GetValue<string>(), CultureInfo.InvariantCulture);
                late["created"] = WorldBuilder.Timestamp(new DateTimeOffset(created.UtcDateTime.Date, TimeSpan.Zero).AddDays(1).AddMilliseconds(-250));
            }
        }

        // A few record anomalies of every datastore's first ones whose rows hold what a CSV writer gets wrong: amounts
        // with cents, a paid flag, a note left empty (null). Drawn apart, so every other draw keeps its value.
        var awkward = new Bogus.Randomizer(seed + 4);
        foreach (var records in anomalies.OfType<JsonObject>().Select(a => a["source_records"]).OfType<JsonObject>().Where(r => r["masked_fields"]!.AsArray().Count == 0).Take(3))
        {
            records["fields"]!.AsArray().Add("amount");
            records["fields"]!.AsArray().Add("paid");
            records["fields"]!.AsArray().Add("note");
            foreach (var row in records["rows"]!.AsArray())
            {
                row!["amount"] = Math.Round(awkward.Double(1, 5_000), 2) + 0.25;
                row["paid"] = awkward.Bool();
                row["note"] = awkward.Bool(0.5f) ? null : "checked by hand";
            }

            records["rows"]![0]!["note"] = null;
        }

        // The latest scans, dated from the clock (the rest of the data set is months old): in every datastore one
        // anomaly from hours ago, one from days ago and one from weeks ago, and in the first one left open since
        // it was connected two years ago; what timeframes, relative to now, are judged on. Drawn apart, after the
        // others, so every other anomaly keeps its traits and its id.
        var scans = new Bogus.Randomizer(seed + 2);
        var now = DateTimeOffset.UtcNow;
        for (var d = 1; d <= Datastores; d++)
        {
            var ages = new List<TimeSpan> { TimeSpan.FromHours(scans.Double(2, 8)), TimeSpan.FromDays(scans.Double(2, 5)), TimeSpan.FromDays(scans.Double(10, 25)) };
            if (d == 1)
            {
                ages.Add(TimeSpan.FromDays(scans.Double(740, 800)));
                // Half a day past a month: the edge a timeframe one day too long would let in.
                ages.Add(TimeSpan.FromDays(30.5));
            }

            foreach (var (age, i) in ages.Select((age, i) => (age, i)))
            {
                var field = scans.ArrayElement(Fields);
                anomalies.Add(new JsonObject
                {
                    ["key"] = $"d{d}recent{i}",
                    ["datastore"] = $"ds{d}",
                    ["container"] = scans.Bool() ? "orders" : "customers",
                    ["type"] = "shape",
                    ["status"] = "Active",
                    ["weight"] = scans.Int(1, 100),
                    ["anomalous_records_count"] = null,
                    ["description"] = $"schema drift in {field}",
                    // Scanners stamp to the microsecond.
                    ["created"] = WorldBuilder.Timestamp(now - age),
                    ["fingerprint"] = scans.Long(1, long.MaxValue / 2),
                    ["tags"] = new JsonArray(),
                    ["failed_checks"] = new JsonArray(new JsonObject
                    {
                        ["id"] = scans.Long(1_000, 9_000_000),
                        ["rule_type"] = "matchesPattern",
                        ["message"] = $"{field}: the column's type changed",
                        ["fields"] = new JsonArray(field),
                    }),
                    ["comments"] = new JsonArray(),
                });
            }
        }

        // Smaller warehouses where an admin screen gave someone another permission than its label's: the manifest
        // declares it (the page cannot tell), and checks that grant exactly that are judged there.
        var regranting = new Bogus.Randomizer(seed + 3);
        foreach (var (label, key, permission) in Regrants)
        {
            datastores = [.. datastores, new JsonObject
            {
                ["key"] = key,
                ["name"] = $"warehouse {key}",
                ["containers"] = new JsonArray(new JsonObject { ["key"] = "orders", ["name"] = "orders" }),
            }];
            grants = [.. grants, .. CastMember.Everyone.Where(m => (m.Label == label ? permission : m.TeamPermission) is not null)
                .Select(m => (JsonNode?)new JsonObject { ["user"] = m.Label, ["datastore"] = key, ["permission"] = m.Label == label ? permission : m.TeamPermission })];
            for (var i = 0; i < RegrantedAnomalies; i++)
            {
                anomalies.Add(new JsonObject
                {
                    ["key"] = $"{key}a{i}",
                    ["datastore"] = key,
                    ["container"] = "orders",
                    ["type"] = "record",
                    ["status"] = i % 4 == 3 ? "Resolved" : "Active",
                    ["weight"] = regranting.Int(1, 100),
                    ["anomalous_records_count"] = regranting.Int(1, 50),
                    ["description"] = $"nightly load of {key}",
                    ["created"] = WorldBuilder.Timestamp(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(regranting.Int(0, 60 * 24 * 30))),
                    ["fingerprint"] = regranting.Long(1, long.MaxValue / 2),
                    ["tags"] = new JsonArray(),
                    ["failed_checks"] = new JsonArray(new JsonObject
                    {
                        ["id"] = regranting.Long(1_000, 9_000_000),
                        ["rule_type"] = "notNull",
                        ["message"] = "order_id: a value is missing",
                        ["fields"] = new JsonArray("order_id"),
                    }),
                    ["comments"] = new JsonArray(),
                });
            }
        }

        if (spare > 0)
        {
            // A warehouse refilled by nightly scans, whose open anomalies a team may lose: what the fault matrix on
            // existing data spends, a set for every fault whose rule's checks destroy what they are given.
            datastores = [.. datastores, new JsonObject
            {
                ["key"] = SpareDatastore,
                ["name"] = "warehouse of nightly scans",
                ["containers"] = new JsonArray(new JsonObject { ["key"] = "orders", ["name"] = "orders" }),
            }];
            grants = [.. grants, .. CastMember.Everyone.Where(m => m.TeamPermission is not null)
                .Select(m => (JsonNode?)new JsonObject { ["user"] = m.Label, ["datastore"] = SpareDatastore, ["permission"] = m.TeamPermission })];
            var sparing = new Bogus.Randomizer(seed + 5);
            for (var i = 0; i < spare; i++)
            {
                anomalies.Add(new JsonObject
                {
                    ["key"] = $"spare{i}",
                    ["datastore"] = SpareDatastore,
                    ["container"] = "orders",
                    ["type"] = i % 3 == 2 ? "shape" : "record",
                    ["status"] = i % 5 == 4 ? "Acknowledged" : "Active",
                    ["weight"] = sparing.Int(1, 100),
                    ["anomalous_records_count"] = i % 3 == 2 ? null : sparing.Int(1, 50),
                    ["description"] = $"nightly scan {i}",
                    ["created"] = WorldBuilder.Timestamp(new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(sparing.Int(0, 60 * 24 * 30))),
                    ["fingerprint"] = sparing.Long(1, long.MaxValue / 2),
                    ["tags"] = new JsonArray(),
                    ["failed_checks"] = new JsonArray(new JsonObject
                    {
                        ["id"] = sparing.Long(1_000, 9_000_000),
                        ["rule_type"] = "notNull",
                        ["message"] = "order_id: a value is missing",
                        ["fields"] = new JsonArray("order_id"),
                    }),
                    ["comments"] = new JsonArray(),
                });
            }
        }

        return new JsonObject
        {
            ["users"] = new JsonArray(users),
            ["datastores"] = new JsonArray(datastores),
            ["grants"] = new JsonArray(grants),
            ["tags"] = new JsonArray([.. TagCatalogue.Select(t => (JsonNode?)t)]),
            ["integrations"] = new JsonArray(new JsonObject { ["key"] = "jira", ["name"] = "Jira", ["kind"] = "jira" }),
            ["anomalies"] = new JsonArray([.. anomalies]),
        };
    }
}
