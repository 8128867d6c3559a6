using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Discovery;
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
    private readonly Lock gate = new();
    private readonly List<AnomalyTraits> freeMutable;
    private readonly List<AnomalyTraits> unusedSacrificial;

    // Every sacrificial anomaly's id, used or not: what Arranged may note for handing back.
    private readonly HashSet<long> sacrificialIds;
    private readonly Dictionary<long, ProvisionedAnomaly> byId;
    private readonly ConcurrentDictionary<string, List<(ProvisionedAnomaly Anomaly, JsonObject Before)>> claims = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentBag<(long Id, JsonObject Arranged)>> arrangedSacrificial = new(StringComparer.Ordinal);
    private HashSet<long>? keptForNeeds;
    private IReadOnlyDictionary<long, IReadOnlyDictionary<string, string?>> regranted = new Dictionary<long, IReadOnlyDictionary<string, string?>>();
    private TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ManifestFixtures(
        ApiClient api, Actor admin, RunLedger? ledger, RunFindings findings, FixtureManifest manifest,
        IReadOnlyList<(ProvisionedAnomaly Anomaly, AnomalyTraits Traits)> readOnly,
        IReadOnlyList<(ProvisionedAnomaly Anomaly, AnomalyTraits Traits)> mutable,
        IReadOnlyList<(ProvisionedAnomaly Anomaly, AnomalyTraits Traits)> sacrificial)
    {
        this.api = api;
        this.admin = admin;
        this.ledger = ledger;
        this.findings = findings;
        // Soft-deleted ones answer only with include_deleted=true: they serve the needs that ask for them, never a
        // check that takes any read-only anomaly.
        ReadOnly = [.. readOnly.Where(r => !r.Traits.SoftDeleted).Select(r => r.Anomaly)];
        Mutable = [.. mutable.Select(m => m.Anomaly)];
        ReadOnlyTraits = [.. readOnly.Select(r => r.Traits)];
        MutableTraits = [.. mutable.Select(m => m.Traits)];
        SacrificialTraits = [.. sacrificial.Select(s => s.Traits)];
        freeMutable = [.. MutableTraits];
        unusedSacrificial = [.. SacrificialTraits];
        sacrificialIds = [.. SacrificialTraits.Select(t => t.Id)];
        byId = readOnly.Concat(mutable).Concat(sacrificial).ToDictionary(a => a.Anomaly.Id, a => a.Anomaly);
        Tags = manifest.Tags;
        Integrations = manifest.Integrations;
    }

    /// <summary>How long a check waits for mutable anomalies other checks hold before it goes without.</summary>
    public static readonly TimeSpan ClaimPatience = TimeSpan.FromMinutes(2);

    /// <summary>The read-only anomalies any reading check may take: not soft-deleted, in a datastore where every user holds its label's permission.</summary>
    public IReadOnlyList<ProvisionedAnomaly> ReadOnly { get; private set; }

    /// <summary>What a listed anomaly was when the run began.</summary>
    public AnomalyTraits TraitsOf(long id) => AllTraits.First(t => t.Id == id);

    public IReadOnlyList<ProvisionedAnomaly> Mutable { get; private set; }

    /// <summary>What each listed anomaly was when the run began (type, status, datastore), by purpose.</summary>
    public IReadOnlyList<AnomalyTraits> ReadOnlyTraits { get; private set; }

    public IReadOnlyList<AnomalyTraits> MutableTraits { get; private set; }

    public IReadOnlyList<AnomalyTraits> SacrificialTraits { get; private set; }

    /// <summary>Every listed anomaly as the run began, whatever its purpose.</summary>
    public IReadOnlyList<AnomalyTraits> AllTraits => [.. ReadOnlyTraits, .. MutableTraits, .. SacrificialTraits];

    /// <summary>Datastores no check is given anomalies of (the target contradicts the permissions declared there).</summary>
    public IReadOnlySet<long> LeftOut { get; private set; } = new HashSet<long>();

    /// <summary>Gives no check an anomaly of these datastores; called before the checks start.</summary>
    public void LeaveOut(IReadOnlySet<long> datastores)
    {
        lock (gate)
        {
            LeftOut = datastores;
            bool Kept(AnomalyTraits t) => t.DatastoreId is not { } d || !datastores.Contains(d);
            ReadOnly = [.. ReadOnly.Where(a => Kept(ReadOnlyTraits.First(t => t.Id == a.Id)))];
            Mutable = [.. Mutable.Where(a => Kept(MutableTraits.First(t => t.Id == a.Id)))];
            ReadOnlyTraits = [.. ReadOnlyTraits.Where(Kept)];
            MutableTraits = [.. MutableTraits.Where(Kept)];
            SacrificialTraits = [.. SacrificialTraits.Where(Kept)];
            freeMutable.RemoveAll(t => !Kept(t));
            unusedSacrificial.RemoveAll(t => !Kept(t));
        }
    }

    /// <summary>Existing tag names checks may put on the anomalies they write (fixtures.tags).</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>Existing integration ids checks may link tickets through (fixtures.integrations).</summary>
    public IReadOnlyList<long> Integrations { get; }

    /// <summary>
    /// Reads every listed anomaly as the profile's admin before any check runs: an entry that is not there
    /// (or a mutable one that is archived, whose status could not be put back) stops the run with exit 3.
    /// </summary>
    public static async Task<ManifestFixtures> ResolveAsync(FixtureManifest manifest, ApiClient api, Actor admin, RunLedger? ledger, RunFindings findings)
    {
        async Task<List<(ProvisionedAnomaly, AnomalyTraits)>> Resolve(FixturePurpose purpose)
        {
            var resolved = new List<(ProvisionedAnomaly, AnomalyTraits)>();
            foreach (var entry in manifest.Of(purpose))
            {
                var response = await api.GetAsync(admin, $"/api/anomalies/{Uri.EscapeDataString(entry)}", purpose: ExchangePurpose.Verify);
                var softDeleted = false;
                if (response.Status == 404)
                {
                    // Hidden unless asked for: a soft-deleted anomaly, listed for the checks that need one.
                    response = await api.GetAsync(admin, $"/api/anomalies/{Uri.EscapeDataString(entry)}?include_deleted=true", purpose: ExchangePurpose.Verify);
                    softDeleted = response.Status == 200;
                }

                if (response.Status != 200 || response.Json is not JsonObject anomaly || Representation.IntegerOf(anomaly["id"]) is not { } id)
                {
                    throw new SetupException($"fixtures.anomalies.{FixtureManifest.Key(purpose)}: anomaly {entry} is not readable as the profile's admin (HTTP {response.Status})");
                }

                var traits = TargetSurvey.TraitsOf(id, anomaly) with { SoftDeleted = softDeleted };
                if (purpose != FixturePurpose.Mutable)
                {
                    // Checks that read comments back, or destroy an anomaly with everything under it, are given an
                    // anomaly whose comments have the shape they ask.
                    var comments = await api.GetAsync(admin, $"/api/anomalies/{id}/comments?include_deleted=true", purpose: ExchangePurpose.Verify);
                    traits = TargetSurvey.WithComments(traits, comments.Status == 200 ? new Representation().ItemsOf(comments.JsonOrNull()) : null);
                }

                if (purpose != FixturePurpose.Mutable && traits.Type == "record")
                {
                    // Checks that read source records back are given a record anomaly whose rows have the shape they
                    // ask (a mutable one is not: what it reads could be another check's arrangement). A plain read,
                    // never include_masked: that one writes an audit entry.
                    var records = await api.GetAsync(admin, TargetSurvey.SourceRecordsPath(id), purpose: ExchangePurpose.Verify);
                    traits = TargetSurvey.WithSourceRecords(traits, records, new Representation());
                }

                if (purpose == FixturePurpose.Mutable && !traits.IsOpen)
                {
                    throw new SetupException($"fixtures.anomalies.mutable: anomaly {entry} is {(traits.SoftDeleted ? "soft-deleted" : traits.Status)}; a mutable anomaly must be Active or Acknowledged so its status can be put back");
                }

                resolved.Add((new ProvisionedAnomaly(entry, id, traits.Uuid), traits));
            }

            return resolved;
        }

        return new ManifestFixtures(
            api, admin, ledger, findings, manifest, await Resolve(FixturePurpose.ReadOnly), await Resolve(FixturePurpose.Mutable), await Resolve(FixturePurpose.Sacrificial));
    }

    /// <summary>
    /// A mutable anomaly for this check alone (waiting while other checks hold them all), with its restore
    /// point recorded; null when the manifest lists none.
    /// </summary>
    public async Task<ProvisionedAnomaly?> ClaimMutableAsync(string testId, CancellationToken ct = default) =>
        (await ClaimMutableAsync(testId, [_ => true], ct))?[0];

    /// <summary>
    /// Mutable anomalies for this check alone, one for each want in order (from one datastore where the
    /// manifest allows it), taken together so that two checks never each hold half of what the other waits for;
    /// waits while other checks hold them. Null when the manifest's mutable anomalies could never satisfy the
    /// wants. Each restore point is recorded before the check may write.
    /// </summary>
    /// <param name="grants">The team permissions the world asks for on its datastore (<see cref="UnderGrants"/>).</param>
    public async Task<IReadOnlyList<ProvisionedAnomaly>?> ClaimMutableAsync(string testId, IReadOnlyList<Func<AnomalyTraits, bool>> wants, CancellationToken ct = default, IReadOnlyDictionary<string, string?>? grants = null)
    {
        bool Allowed(AnomalyTraits t) => UnderGrants(t, grants);
        if (Match(MutableTraits, wants, Allowed) is null)
        {
            return null;
        }

        List<AnomalyTraits> picked;
        // A check that already holds some (a second world of its own) never waits for more: two such checks
        // would each hold what the other waits for.
        var giveUp = claims.TryGetValue(testId, out var holding) && holding.Count > 0 ? DateTime.UtcNow : DateTime.UtcNow + ClaimPatience;
        while (true)
        {
            Task wait;
            lock (gate)
            {
                if (Match(freeMutable, wants, Allowed) is { } found)
                {
                    picked = found;
                    freeMutable.RemoveAll(found.Contains);
                    break;
                }

                wait = released.Task;
            }

            // A check that never put its anomalies back must not hang the run: past the patience, this one goes
            // without (inconclusive), named as such.
            var left = giveUp - DateTime.UtcNow;
            try
            {
                await wait.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, ct);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }

        var held = claims.GetOrAdd(testId, _ => []);
        try
        {
            foreach (var traits in picked)
            {
                var anomaly = byId[traits.Id];
                var before = await StateAsync(api, admin, anomaly.Id);
                ledger?.RestorePoint(testId, anomaly.Id, before);
                lock (held)
                {
                    held.Add((anomaly, before));
                }
            }
        }
        catch
        {
            // Nothing was written yet: what has a restore point is put back (a no-op) and freed by ReleaseAsync;
            // the rest is freed here.
            var recorded = held.Select(h => h.Anomaly.Id).ToHashSet();
            Free(picked.Where(p => !recorded.Contains(p.Id)));
            throw;
        }

        return [.. picked.Select(p => byId[p.Id])];
    }

    /// <summary>A sacrificial anomaly no other check gets; null when the manifest's are used up.</summary>
    public ProvisionedAnomaly? ClaimSacrificial(string testId) => ClaimSacrificial(testId, [_ => true])?[0];

    /// <summary>
    /// Sacrificial anomalies, one for each want (from one datastore where possible), that no other check gets
    /// while it runs; null when the unused ones cannot satisfy the wants.
    /// </summary>
    /// <remarks>Anomalies kept for the destructive needs go to other checks only when nothing else fits.</remarks>
    public IReadOnlyList<ProvisionedAnomaly>? ClaimSacrificial(string testId, IReadOnlyList<Func<AnomalyTraits, bool>> wants, IReadOnlyDictionary<string, string?>? grants = null) =>
        ClaimSacrificial(testId, unused => Match([.. unused.Where(t => !KeptForNeeds().Contains(t.Id))], wants, _ => true) ?? Match(unused, wants, _ => true), grants);

    /// <summary>
    /// The sacrificial anomalies the destructive needs (<see cref="ExistingNeeds"/>) would choose, a set for every
    /// check that uses one: an anomaly with comments under it, or a soft-deleted one, is what few are, and a
    /// check that would take any open anomaly must not take it first. Called under the gate.
    /// </summary>
    private HashSet<long> KeptForNeeds()
    {
        if (keptForNeeds is null)
        {
            keptForNeeds = [];
            foreach (var need in ExistingNeeds.All.Where(n => n.Destroys))
            {
                for (var use = 0; use < need.Uses; use++)
                {
                    if (need.Choose([.. unusedSacrificial.Where(t => !keptForNeeds.Contains(t.Id) && UnderGrants(t, null))]) is { } chosen)
                    {
                        keptForNeeds.UnionWith(chosen.Select(t => t.Id));
                    }
                }
            }
        }

        return keptForNeeds;
    }

    /// <summary>The sacrificial anomalies <paramref name="choose"/> picks from the unused ones under the world's grants, for this check alone; null when it picks none.</summary>
    public IReadOnlyList<ProvisionedAnomaly>? ClaimSacrificial(string testId, Func<IReadOnlyList<AnomalyTraits>, IReadOnlyList<AnomalyTraits>?> choose, IReadOnlyDictionary<string, string?>? grants = null)
    {
        List<AnomalyTraits> picked;
        lock (gate)
        {
            if (choose([.. unusedSacrificial.Where(t => UnderGrants(t, grants))]) is not { } found)
            {
                return null;
            }

            picked = [.. found];
            unusedSacrificial.RemoveAll(picked.Contains);
        }

        foreach (var traits in picked)
        {
            ledger?.Sacrificed(testId, traits.Id);
        }

        return [.. picked.Select(p => byId[p.Id])];
    }

    /// <summary>
    /// The state a sacrificial anomaly was arranged into for a check. When the check ends and the anomaly still
    /// reads exactly so (the check's write was refused, as a denied cell of the permission matrix is), it is
    /// nobody's loss: it goes back to the unused ones for another check.
    /// </summary>
    public void Arranged(string testId, long id, JsonObject state)
    {
        if (sacrificialIds.Contains(id))
        {
            arrangedSacrificial.GetOrAdd(testId, _ => []).Add((id, state));
        }
    }

    /// <summary>Read-only anomalies, one for each want and all different (shared with other checks, never written); null when none fits.</summary>
    public IReadOnlyList<ProvisionedAnomaly>? PickReadOnly(IReadOnlyList<Func<AnomalyTraits, bool>> wants, IReadOnlyDictionary<string, string?>? grants = null) =>
        Match(ReadOnlyTraits, wants, t => UnderGrants(t, grants))?.Select(p => byId[p.Id]).ToList();

    /// <summary>The read-only anomalies <paramref name="choose"/> picks from those under the world's grants; null when it picks none.</summary>
    public IReadOnlyList<ProvisionedAnomaly>? PickReadOnly(Func<IReadOnlyList<AnomalyTraits>, IReadOnlyList<AnomalyTraits>?> choose, IReadOnlyDictionary<string, string?>? grants = null) =>
        choose([.. ReadOnlyTraits.Where(t => UnderGrants(t, grants))])?.Select(p => byId[p.Id]).ToList();

    /// <summary>
    /// Whether an anomaly's datastore holds exactly the team permissions a world asks for: each user its label's
    /// own, but for those the world grants otherwise (<see cref="WorldBuilder.Grant"/>), as the manifest declares
    /// them. A world that asks for none is given no anomaly of a datastore declared otherwise.
    /// </summary>
    public bool UnderGrants(AnomalyTraits anomaly, IReadOnlyDictionary<string, string?>? grants)
    {
        var asked = grants ?? new Dictionary<string, string?>();
        var here = anomaly.DatastoreId is { } datastore && regranted.TryGetValue(datastore, out var declared) ? declared : new Dictionary<string, string?>();
        return here.Count == asked.Count && here.All(p => asked.TryGetValue(p.Key, out var permission) && permission == p.Value);
    }

    /// <summary>Datastores where the manifest declares some user another team permission than its label's, with those permissions.</summary>
    public IReadOnlyDictionary<long, IReadOnlyDictionary<string, string?>> Regranted => regranted;

    /// <summary>Gives anomalies of these datastores only to worlds that ask for exactly these permissions; called before the checks start.</summary>
    public void Regrant(IReadOnlyDictionary<long, IReadOnlyDictionary<string, string?>> declared)
    {
        lock (gate)
        {
            regranted = declared;
            ReadOnly = [.. ReadOnly.Where(a => UnderGrants(TraitsOf(a.Id), null))];
            Mutable = [.. Mutable.Where(a => UnderGrants(TraitsOf(a.Id), null))];
        }
    }

    /// <summary>
    /// One distinct candidate for each want, in order: within one datastore when some datastore can give them
    /// all (a world is one datastore when provisioned), else from any. Greedy: a want takes the first candidate
    /// that fits, so specific wants are best listed first by the caller.
    /// </summary>
    private static List<AnomalyTraits>? Match(IReadOnlyList<AnomalyTraits> candidates, IReadOnlyList<Func<AnomalyTraits, bool>> wants, Func<AnomalyTraits, bool> allowed)
    {
        static List<AnomalyTraits>? Greedy(IEnumerable<AnomalyTraits> pool, IReadOnlyList<Func<AnomalyTraits, bool>> wants)
        {
            var left = pool.ToList();
            var picked = new List<AnomalyTraits>();
            foreach (var want in wants)
            {
                var pick = left.FirstOrDefault(want);
                if (pick is null)
                {
                    return null;
                }

                picked.Add(pick);
                left.Remove(pick);
            }

            return picked;
        }

        // The least annotated first: fewer values to arrange and put back, and a target that cannot replace a
        // set (tags appended, not replaced) is least likely to leave one it cannot restore.
        var plain = candidates.Where(c => !c.SoftDeleted && allowed(c)).OrderBy(c => c.Tags + c.Assignees).ToList();
        return plain.GroupBy(c => c.DatastoreId).Select(g => Greedy(g, wants)).FirstOrDefault(p => p is not null)
            ?? Greedy(plain, wants);
    }

    private void Free(IEnumerable<AnomalyTraits> anomalies)
    {
        TaskCompletionSource wake;
        lock (gate)
        {
            freeMutable.AddRange(anomalies);
            wake = released;
            released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        wake.TrySetResult();
    }

    /// <summary>
    /// Puts back every mutable anomaly the check claimed, verifies it, records the outcome and frees it; hands
    /// back the sacrificial ones that still read as they were arranged.
    /// </summary>
    public async Task ReleaseAsync(string testId)
    {
        if (arrangedSacrificial.TryRemove(testId, out var spared))
        {
            foreach (var (id, arranged) in spared)
            {
                try
                {
                    if (JsonNode.DeepEquals(await StateAsync(api, admin, id), arranged) && arranged["status"]?.GetValue<string>() is { } status && OpenStatuses.Contains(status))
                    {
                        lock (gate)
                        {
                            unusedSacrificial.AddRange(SacrificialTraits.Where(t => t.Id == id));
                        }
                    }
                }
                catch (TargetErrorException)
                {
                    // Not read back: not handed back.
                }
            }
        }

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
                Free(MutableTraits.Where(t => t.Id == anomaly.Id));
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
