using System.Globalization;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using Microsoft.OpenApi.Models;
using NUnit.Framework;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Contract;

/// <summary>
/// The fixtures every generated check shares, provisioned once per run: a read-only "reads" datastore
/// whose anomalies differ in every listed field (sorts and filters have something to tell apart), a
/// small "extra" datastore (a second value for the datastore filter), and a "writes" datastore holding
/// one anomaly per check that may change state. Without a provisioning extension the checks use the
/// document's example values and a made-up token, which only a mock accepts; if the target refuses that
/// token, the checks that need a caller end inconclusive.
/// </summary>
public sealed class ContractWorld
{
    public const string UnprovisionedToken = "conformance-unprovisioned-token";
    private static readonly DateTimeOffset Day = new(2026, 4, 20, 8, 0, 0, TimeSpan.Zero);
    public const string Scope = "contract-world";

    private readonly IReadOnlyDictionary<string, ProvisionedAnomaly> own;

    private ContractWorld(IReadOnlyDictionary<string, ProvisionedAnomaly> own) => this.own = own;

    /// <summary>The caller of every check that needs one: Admin, so permissions never hide a contract answer.</summary>
    public required Actor Caller { get; init; }
    public bool Provisioned { get; init; }
    /// <summary>Why checks that need a caller cannot be judged, or null.</summary>
    public string? Unusable { get; init; }
    public long? ReadsDatastore { get; init; }
    public long? ExtraDatastore { get; init; }
    public string? ReadsTag { get; init; }
    public long? ReadsContainer { get; init; }
    public ProvisionedAnomaly? ReadAnomaly { get; init; }
    public long? ViewerUserId { get; init; }
    public long? IntegrationId { get; init; }
    public string? WritesTag { get; init; }

    public static Task<ContractWorld> GetAsync(OpenApiDocument document, IReadOnlyList<ContractCase> cases)
    {
        // Provisioned once per run, outside any test's cancellation and recorded under its own name in the exchanges.
        return ConformanceRun.Current.SharedAsync(Scope, () => CreateAsync(document, cases));
    }

    public void RequireCaller()
    {
        if (Unusable is not null)
        {
            Assert.Inconclusive("cannot be judged: " + Unusable);
        }
    }

    /// <summary>
    /// This world for one write case of a manifest run: its anomaly is one the planner gives it alone (mutable, or
    /// sacrificial for a delete), with an existing tag for an update and an existing integration for a ticket
    /// link. Every address of the case is that anomaly, the shared read one's included, so a case that writes
    /// first (a history collection) never writes to a read-only anomaly.
    /// </summary>
    public async Task<ContractWorld> OnAnomalyOfItsOwnAsync(ContractCase contractCase, ContractOperation operation)
    {
        var linksTickets = operation.Path.Contains("ticket-links", StringComparison.Ordinal);
        var updates = operation.Method == HttpMethod.Put || operation.Method == HttpMethod.Patch;
        var mine = await ConformanceRun.Current.ProvisionAsync(contractCase.Name, b =>
        {
            b.Anomaly("own");
            if (updates)
            {
                b.Tag("High");
            }

            if (linksTickets)
            {
                b.Integration("jira");
            }
        });
        return new ContractWorld(new Dictionary<string, ProvisionedAnomaly>(StringComparer.Ordinal) { [contractCase.Name] = mine["own"] })
        {
            Caller = Caller,
            Provisioned = true,
            Unusable = Unusable,
            ReadAnomaly = mine["own"],
            ViewerUserId = ViewerUserId,
            IntegrationId = linksTickets ? mine.Integrations["jira"] : null,
            WritesTag = updates ? mine.Tag("High") : null,
        };
    }

    /// <summary>The anomaly a case addresses: its own, or the shared read-only one.</summary>
    public ProvisionedAnomaly? AnomalyFor(ContractCase contractCase) =>
        contractCase.OwnAnomaly && own.TryGetValue(contractCase.Name, out var mine) ? mine : ReadAnomaly;

    /// <summary>Values that must name things the target knows (ids, tags, users, integrations); null lets the schema decide.</summary>
    public JsonNode? Hint(string name, ProvisionedAnomaly? anomaly) => name switch
    {
        "id" when anomaly is not null => anomaly.Id,
        "tags" when WritesTag is not null => new JsonArray(WritesTag),
        "tag" when ReadsTag is not null => new JsonArray(ReadsTag),
        "assignee_ids" or "mentioned_user_ids" or "assignee" when ViewerUserId is not null => new JsonArray(ViewerUserId.Value),
        "integration_id" when IntegrationId is not null => IntegrationId.Value,
        "related_to_id" when ReadAnomaly is not null => ReadAnomaly.Id,
        "datastore" when ReadsDatastore is not null => new JsonArray(ReadsDatastore.Value),
        "container" when ReadsContainer is not null => new JsonArray(ReadsContainer.Value),
        _ => null,
    };

    private static async Task<ContractWorld> CreateAsync(OpenApiDocument document, IReadOnlyList<ContractCase> cases)
    {
        var run = ConformanceRun.Current;
        if (run.ProvisioningUnavailable is not null)
        {
            return await UnprovisionedAsync(run, document);
        }

        if (run.Manifest is { } manifest)
        {
            // Reads only: ContractTests leaves every write case inconclusive in manifest mode.
            return new ContractWorld(new Dictionary<string, ProvisionedAnomaly>())
            {
                Caller = run.Cast["admin"],
                Provisioned = false,
                ReadAnomaly = manifest.ReadOnly.FirstOrDefault(),
                ViewerUserId = run.Cast.GetValueOrDefault("member-viewer")?.UserId,
                Unusable = manifest.ReadOnly.Count == 0 ? "a read-only anomaly in the profile's manifest (fixtures.anomalies.read_only)" : null,
            };
        }

        var ownCases = cases.Where(c => c.OwnAnomaly).Select(c => c.Name).ToList();
        var reads = run.ProvisionAsync("contract-world-reads", DescribeReads);
        var extra = run.ProvisionAsync("contract-world-extra", b => b.Anomaly("x1").Anomaly("x2"));
        var writes = run.ProvisionAsync("contract-world-writes", b =>
        {
            b.Tag("High").Integration("jira");
            for (var i = 0; i < ownCases.Count; i++)
            {
                b.Anomaly(OwnKey(i));
            }
        });
        await Task.WhenAll(reads, extra, writes);
        var writesWorld = await writes;
        var readsWorld = await reads;
        return new ContractWorld(ownCases.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => writesWorld[OwnKey(x.i)], StringComparer.Ordinal))
        {
            Caller = run.Actor("admin"),
            Provisioned = true,
            ReadsDatastore = readsWorld.DatastoreId,
            ExtraDatastore = (await extra).DatastoreId,
            ReadsTag = readsWorld.Tag("High"),
            ReadsContainer = readsWorld.Containers["main"],
            ReadAnomaly = readsWorld["l1"],
            ViewerUserId = run.Actor("member-viewer").UserId,
            IntegrationId = writesWorld.Integrations["jira"],
            WritesTag = writesWorld.Tag("High"),
        };
    }

    private static string OwnKey(int index) => "own" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>Six anomalies that differ in status, type, container, checks, tags, assignees, weight, time and count.</summary>
    private static void DescribeReads(WorldBuilder b)
    {
        FailedCheckSpec Check(long id, string rule, params string[] fields) => new(id, rule, $"{b.Prefix} {rule} failed", fields);
        b.Container("second")
            .Anomaly("l1", new() { Status = "Active", Type = "record", Weight = 10, Created = Day, AnomalousRecordsCount = 5, Tags = ["High"], Assignees = ["member-viewer"], FailedChecks = [Check(1001, "notNull", "customer_id")], Comments = [new("member-viewer", "seen", Day.AddMinutes(5))] })
            .Anomaly("l2", new() { Status = "Acknowledged", Type = "shape", Container = "second", Weight = 50, Created = Day.AddHours(1), AnomalousRecordsCount = 12, Tags = ["Low"], Assignees = ["member-author"], FailedChecks = [Check(1002, "between", "amount")] })
            .Anomaly("l3", new() { Status = "Resolved", Type = "record", Weight = 90, Created = Day.AddHours(2), AnomalousRecordsCount = 100, Tags = ["High", "Low"], FailedChecks = [Check(1003, "matchesPattern", "email")] })
            .Anomaly("l4", new() { Status = "Active", Type = "shape", Container = "second", Weight = 30, Created = Day.AddHours(3), AnomalousRecordsCount = 1, Assignees = ["member-viewer", "member-author"], FailedChecks = [Check(1001, "notNull", "customer_id", "amount")] })
            .Anomaly("l5", new() { Status = "Active", Type = "record", Weight = 70, Created = Day.AddHours(4), AnomalousRecordsCount = 42, Tags = ["Low"], Assignees = ["member-editor"], FailedChecks = [Check(1004, "isUnique", "order_id")] })
            .Anomaly("l6", new() { Status = "Acknowledged", Type = "record", Container = "second", Weight = 20, Created = Day.AddHours(5), AnomalousRecordsCount = 7, Tags = ["High"], FailedChecks = [Check(1002, "between", "amount")] });
    }

    /// <summary>No fixtures: a made-up token (a mock accepts any) and the document's examples as ids.</summary>
    private static async Task<ContractWorld> UnprovisionedAsync(ConformanceRun run, OpenApiDocument document)
    {
        var caller = Actor.WithRawToken("unprovisioned", UnprovisionedToken);
        run.Redactor.Register(UnprovisionedToken, "<token:unprovisioned>");
        var probe = ContractOperation.All(document).FirstOrDefault(o => o.IsRead && o.PathParameters.Count == 0);
        string? unusable = null;
        if (probe is null)
        {
            unusable = run.ProvisioningUnavailable + ", and the document has no parameterless read to try a token on";
        }
        else
        {
            var answer = await run.Api.GetAsync(caller, probe.Path.TrimStart('/'), purpose: ExchangePurpose.Verify);
            if (answer.Status is < 200 or >= 300)
            {
                unusable = $"{run.ProvisioningUnavailable}, and the target answered {answer.Status} to a made-up token, so the suite has no caller";
            }
        }

        return new ContractWorld(new Dictionary<string, ProvisionedAnomaly>())
        {
            Caller = caller,
            Provisioned = false,
            Unusable = unusable,
        };
    }
}
