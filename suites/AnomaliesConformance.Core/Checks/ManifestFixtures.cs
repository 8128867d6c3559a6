using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Profiles;
using AnomaliesConformance.Core.Provisioning;

namespace AnomaliesConformance.Core.Checks;

/// <summary>
/// The existing anomalies of a profile in manifest mode, handed to checks by purpose: read-only ones are
/// shared; a mutable one belongs to one check at a time and is put back (status, description, tags,
/// assignees, ticket links) and verified when that check ends; a sacrificial one is given to one check
/// only. Every restore point is in the ledger before the check writes, so `--sweep` can finish the job.
/// </summary>
public sealed class ManifestFixtures
{
    private static readonly string[] OpenStatuses = ["Active", "Acknowledged"];

    private readonly ApiClient api;
    private readonly Actor admin;
    private readonly RunLedger? ledger;
    private readonly RunFindings findings;
    private readonly IReadOnlyList<ProvisionedAnomaly> sacrificial;
    private readonly ConcurrentQueue<ProvisionedAnomaly> freeMutable;
    private readonly SemaphoreSlim mutableAvailable;
    private readonly ConcurrentDictionary<string, List<(ProvisionedAnomaly Anomaly, JsonObject Before)>> claims = new(StringComparer.Ordinal);
    private int sacrificed = -1;

    private ManifestFixtures(
        ApiClient api, Actor admin, RunLedger? ledger, RunFindings findings,
        IReadOnlyList<ProvisionedAnomaly> readOnly, IReadOnlyList<ProvisionedAnomaly> mutable, IReadOnlyList<ProvisionedAnomaly> sacrificial)
    {
        this.api = api;
        this.admin = admin;
        this.ledger = ledger;
        this.findings = findings;
        this.sacrificial = sacrificial;
        ReadOnly = readOnly;
        Mutable = mutable;
        freeMutable = new ConcurrentQueue<ProvisionedAnomaly>(mutable);
        mutableAvailable = new SemaphoreSlim(mutable.Count);
    }

    public IReadOnlyList<ProvisionedAnomaly> ReadOnly { get; }

    public IReadOnlyList<ProvisionedAnomaly> Mutable { get; }

    /// <summary>
    /// Reads every listed anomaly as the profile's admin before any check runs: an entry that is not there
    /// (or a mutable one that is archived, whose status could not be put back) stops the run with exit 3.
    /// </summary>
    public static async Task<ManifestFixtures> ResolveAsync(FixtureManifest manifest, ApiClient api, Actor admin, RunLedger? ledger, RunFindings findings)
    {
        async Task<List<ProvisionedAnomaly>> Resolve(FixturePurpose purpose)
        {
            var resolved = new List<ProvisionedAnomaly>();
            foreach (var entry in manifest.Of(purpose))
            {
                var response = await api.GetAsync(admin, $"/api/anomalies/{Uri.EscapeDataString(entry)}", purpose: ExchangePurpose.Verify);
                if (response.Status != 200 || response.Json is not JsonObject anomaly || anomaly["id"] is not JsonValue idValue || !idValue.TryGetValue<long>(out var id))
                {
                    throw new SetupException($"fixtures.anomalies.{FixtureManifest.Key(purpose)}: anomaly {entry} is not readable as the profile's admin (HTTP {response.Status})");
                }

                var status = anomaly["status"]?.GetValue<string>();
                if (purpose == FixturePurpose.Mutable && !OpenStatuses.Contains(status))
                {
                    throw new SetupException($"fixtures.anomalies.mutable: anomaly {entry} is {status}; a mutable anomaly must be Active or Acknowledged so its status can be put back");
                }

                resolved.Add(new ProvisionedAnomaly(entry, id, anomaly["uuid"]?.GetValue<string>() ?? ""));
            }

            return resolved;
        }

        return new ManifestFixtures(
            api, admin, ledger, findings, await Resolve(FixturePurpose.ReadOnly), await Resolve(FixturePurpose.Mutable), await Resolve(FixturePurpose.Sacrificial));
    }

    /// <summary>
    /// A mutable anomaly for this check alone (waiting while other checks hold them all), with its restore
    /// point recorded; null when the manifest lists none.
    /// </summary>
    public async Task<ProvisionedAnomaly?> ClaimMutableAsync(string testId, CancellationToken ct = default)
    {
        if (Mutable.Count == 0)
        {
            return null;
        }

        await mutableAvailable.WaitAsync(ct);
        freeMutable.TryDequeue(out var anomaly);
        try
        {
            var before = await StateAsync(api, admin, anomaly!.Id);
            ledger?.RestorePoint(testId, anomaly.Id, before);
            claims.GetOrAdd(testId, _ => []).Add((anomaly, before));
            return anomaly;
        }
        catch
        {
            freeMutable.Enqueue(anomaly!);
            mutableAvailable.Release();
            throw;
        }
    }

    /// <summary>A sacrificial anomaly no other check gets; null when the manifest's are used up.</summary>
    public ProvisionedAnomaly? ClaimSacrificial(string testId)
    {
        var index = Interlocked.Increment(ref sacrificed);
        if (index >= sacrificial.Count)
        {
            return null;
        }

        ledger?.Sacrificed(testId, sacrificial[index].Id);
        return sacrificial[index];
    }

    /// <summary>Puts back every mutable anomaly the check claimed, verifies it, records the outcome and frees it.</summary>
    public async Task ReleaseAsync(string testId)
    {
        if (!claims.TryRemove(testId, out var held))
        {
            return;
        }

        foreach (var (anomaly, before) in held)
        {
            try
            {
                var difference = await RestoreAsync(api, admin, anomaly.Id, before);
                findings.RecordRestore(new RestoreCheck(anomaly.Id, testId, difference is null, difference));
                if (difference is null)
                {
                    ledger?.Restored(testId, anomaly.Id);
                }
            }
            catch (TargetErrorException e)
            {
                findings.RecordRestore(new RestoreCheck(anomaly.Id, testId, false, e.Message));
            }
            finally
            {
                freeMutable.Enqueue(anomaly);
                mutableAvailable.Release();
            }
        }
    }

    /// <summary>What a check may change and the run puts back: status, description, tag names, assignee ids, ticket link ids.</summary>
    public static async Task<JsonObject> StateAsync(ApiClient api, Actor admin, long id)
    {
        var anomaly = await api.GetAsync(admin, $"/api/anomalies/{id}", purpose: ExchangePurpose.Verify);
        var links = await api.GetAsync(admin, $"/api/anomalies/{id}/ticket-links", purpose: ExchangePurpose.Verify);
        if (anomaly.Status != 200 || anomaly.Json is not JsonObject found || links.Status != 200 || links.Json is not JsonArray linkList)
        {
            throw new TargetErrorException($"reading the state of anomaly {id} to restore it answered {anomaly.Status} and {links.Status}", anomaly.Status != 200 ? anomaly.Exchange : links.Exchange);
        }

        return new JsonObject
        {
            ["status"] = found["status"]?.DeepClone(),
            ["description"] = found["description"]?.DeepClone(),
            ["tags"] = Sorted((found["global_tags"] as JsonArray ?? []).Select(t => t?["name"]?.GetValue<string>() ?? "")),
            ["assignee_ids"] = Sorted((found["assignees"] as JsonArray ?? []).Select(a => a?["id"]?.GetValue<long>() ?? 0)),
            ["ticket_link_ids"] = Sorted(linkList.Select(l => l?["id"]?.GetValue<long>() ?? 0)),
        };
    }

    /// <summary>
    /// Puts an anomaly back to <paramref name="before"/> through the documented API as an Admin, then reads it
    /// again: null when it now equals <paramref name="before"/>, else what still differs. Ticket links the
    /// check added are deleted; a link it deleted cannot be recreated with its id and is reported.
    /// </summary>
    public static async Task<string?> RestoreAsync(ApiClient api, Actor admin, long id, JsonObject before)
    {
        var now = await StateAsync(api, admin, id);
        if (Differences(before, now) is null)
        {
            return null;
        }

        // Only what differs is sent: each field put back is one more history entry on a shared target.
        var body = new JsonObject();
        foreach (var (field, bodyField) in new[] { ("description", "description"), ("tags", "tags"), ("assignee_ids", "assignee_ids") })
        {
            if (!JsonNode.DeepEquals(before[field], now[field]))
            {
                body[bodyField] = before[field]?.DeepClone();
            }
        }

        if (before["status"]?.GetValue<string>() is { } status && OpenStatuses.Contains(status) && now["status"]?.GetValue<string>() != status)
        {
            body["status"] = status;
        }

        var problems = new List<string>();
        if (body.Count > 0)
        {
            var put = await api.SendAsync(admin, HttpMethod.Put, $"/api/anomalies/{id}", body.ToJsonString(), purpose: ExchangePurpose.Verify);
            if (put.Status != 200)
            {
                problems.Add($"PUT answered {put.Status}: {put.Body}");
            }
        }

        var keep = before["ticket_link_ids"]!.AsArray().Select(l => l!.GetValue<long>()).ToHashSet();
        foreach (var added in now["ticket_link_ids"]!.AsArray().Select(l => l!.GetValue<long>()).Where(l => !keep.Contains(l)))
        {
            var delete = await api.SendAsync(admin, HttpMethod.Delete, $"/api/anomalies/{id}/ticket-links/{added}", purpose: ExchangePurpose.Verify);
            if (delete.Status is < 200 or > 299)
            {
                problems.Add($"deleting ticket link {added} answered {delete.Status}");
            }
        }

        var after = await StateAsync(api, admin, id);
        if (Differences(before, after) is { } left)
        {
            problems.Add(left);
        }

        return problems.Count == 0 ? null : $"anomaly {id}: " + string.Join("; ", problems);
    }

    private static string? Differences(JsonObject before, JsonObject after)
    {
        var different = before
            .Where(p => !JsonNode.DeepEquals(p.Value, after[p.Key]))
            .Select(p => $"{p.Key} was {p.Value?.ToJsonString() ?? "null"}, is {after[p.Key]?.ToJsonString() ?? "null"}")
            .ToList();
        return different.Count == 0 ? null : string.Join("; ", different);
    }

    private static JsonArray Sorted(IEnumerable<string> values) =>
        new(values.Order(StringComparer.Ordinal).Select(v => (JsonNode?)v).ToArray());

    private static JsonArray Sorted(IEnumerable<long> values) =>
        new(values.Order().Select(v => (JsonNode?)v).ToArray());
}

/// <summary>A mutable manifest anomaly put back after a check: verified, or what still differs.</summary>
public sealed record RestoreCheck(long Anomaly, string Test, bool Verified, string? Difference)
{
    public string Describe() => Verified
        ? string.Create(CultureInfo.InvariantCulture, $"anomaly {Anomaly} restored after {Test}")
        : string.Create(CultureInfo.InvariantCulture, $"anomaly {Anomaly} NOT restored after {Test}: {Difference}");
}
