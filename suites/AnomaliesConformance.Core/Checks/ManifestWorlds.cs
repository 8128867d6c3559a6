using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Discovery;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;

namespace AnomaliesConformance.Core.Checks;

/// <summary>
/// The planner of manifest mode: gives a check's world (its <see cref="WorldBuilder"/> spec, the check's
/// requirements as data) from the deployment's existing anomalies instead of provisioning it.
/// <list type="bullet">
/// <item>What the page cannot write and a check chose (weights, dates, fingerprints, failed checks, source
/// records, comments, soft deletion, containers, team permissions) is not arranged: the check ends inconclusive,
/// naming the fixture in words shared by every check that lacks it, so the report lists it once.</item>
/// <item>Which anomalies, by the check's effect: a destructive check's are sacrificial, a writing check's are
/// mutable (claimed together, put back after), a reading check's are read-only ones that already are as the
/// spec says, else mutable ones arranged for it.</item>
/// <item>Arranged through the page's own PUT as the admin (status, description, tags, assignees; an archived
/// status by archiving a sacrificial one), then read back: a target that does not take the values is a
/// target error of the check, never a verdict on a rule the check does not judge.</item>
/// <item>Type (record unless the spec says) and status (Active unless it says) are the provisioned defaults,
/// and are matched: a check that never mentions them may still rely on them.</item>
/// </list>
/// </summary>
public sealed class ManifestWorlds(ManifestFixtures fixtures, ApiClient api, IReadOnlyDictionary<string, Actor> cast)
{
    /// <summary>The missing fixture named when a check scopes a list to its world's datastore.</summary>
    public const string OwnDatastore = "a datastore of its own holding only its anomalies (it scopes a list to it; existing anomalies share theirs)";

    private static readonly string[] OpenStatuses = ["Active", "Acknowledged"];

    private Actor Admin => cast["admin"];

    /// <remarks>
    /// The anomalies are claimed for the running test (its full name, which its tear-down releases), whatever
    /// name the world was described under.
    /// </remarks>
    public async Task<World> RealizeAsync(ConformanceRun run, CheckEffect effect, WorldBuilder spec, CancellationToken ct = default)
    {
        var testId = NUnit.Framework.TestContext.CurrentContext.Test.FullName;
        if (spec.Existing is { } existing)
        {
            RequireGrants(run, spec);
            return Chosen(run, testId, effect, spec, existing);
        }

        if (Unarrangeable(spec) is { } lacking)
        {
            run.Missing(lacking);
        }

        RequireGrants(run, spec);

        var tagNames = TagNames(run, spec);
        var integrations = IntegrationIds(run, spec);
        var assignees = spec.Anomalies.Values.SelectMany(a => a.Assignees).Distinct().ToDictionary(label => label, label => UserId(run, label));
        var keys = spec.Anomalies.Keys.ToList();
        // An archived anomaly cannot be put back to open: a world that asks for one is made of sacrificial ones,
        // archived for the check, whatever the check itself does.
        var archives = spec.Anomalies.Values.Any(a => a.Status is { } status && !OpenStatuses.Contains(status));
        var wants = keys.Select(key => Want(spec.Anomalies[key], archives ? CheckEffect.Destructive : effect)).ToList();

        IReadOnlyList<ProvisionedAnomaly> anomalies;
        var arrange = true;
        switch (effect)
        {
            case CheckEffect.Destructive:
                anomalies = Sacrificial(run, testId, spec, wants);
                break;
            case CheckEffect.ReversibleWrite:
                anomalies = archives ? Sacrificial(run, testId, spec, wants) : await ClaimMutableAsync(run, testId, spec, wants, ct);
                break;
            default:
                if (spec.Anomalies.Values.Any(a => a.CommentsReadBack))
                {
                    // Comments cannot be written for a check: an existing anomaly has them already, or none does.
                    anomalies = fixtures.PickReadOnly(keys.Select(key => AsIs(spec.Anomalies[key], tagNames, assignees)).ToList(), spec.Grants)
                        ?? Lack<IReadOnlyList<ProvisionedAnomaly>>(run, "a read-only anomaly with comments at distinct times, and a deleted one where asked (fixtures.anomalies.read_only)");
                    arrange = false;
                }
                else if (fixtures.PickReadOnly(keys.Select(key => AsIs(spec.Anomalies[key], tagNames, assignees)).ToList(), spec.Grants) is { } asTheyAre)
                {
                    anomalies = asTheyAre;
                    arrange = false;
                }
                else
                {
                    if (run.Quiet)
                    {
                        run.Defer("its anomalies are arranged by writes, which wait until the lists have been read");
                    }

                    anomalies = archives ? Sacrificial(run, testId, spec, wants) : await ClaimMutableAsync(run, testId, spec, wants, ct);
                }

                break;
        }

        if (arrange)
        {
            if (api.Policy.ReadOnly)
            {
                run.Missing("anomalies arranged by the run (a --read-only run writes nothing)");
            }

            var arranged = await Task.WhenAll(keys.Select((key, i) => ArrangeAsync(anomalies[i].Id, spec.Anomalies[key], tagNames, assignees, ct)));
            foreach (var (anomaly, state) in anomalies.Zip(arranged))
            {
                fixtures.Arranged(testId, anomaly.Id, state);
            }
        }

        return WorldOf(spec, keys, anomalies, integrations, tagNames);
    }

    private World WorldOf(WorldBuilder spec, IReadOnlyList<string> keys, IReadOnlyList<ProvisionedAnomaly> anomalies, IReadOnlyDictionary<string, long> integrations, IReadOnlyDictionary<string, string> tagNames)
    {
        var traits = fixtures.AllTraits.ToDictionary(t => t.Id);
        return new World
        {
            Prefix = spec.Prefix,
            DatastoreId = traits[anomalies[0].Id].DatastoreId ?? 0,
            Containers = new Dictionary<string, long>(),
            SharedDatastore = OwnDatastore,
            DatastoresOf = keys.Select((key, i) => (key, traits[anomalies[i].Id].DatastoreId)).Where(k => k.DatastoreId is not null).ToDictionary(k => k.key, k => k.DatastoreId!.Value),
            Anomalies = keys.Select((key, i) => anomalies[i] with { Key = key }).ToDictionary(a => a.Key),
            Integrations = integrations,
            Specs = new Dictionary<string, AnomalySpec>(spec.Anomalies),
            TagNames = tagNames,
        };
    }

    /// <summary>
    /// A world of existing anomalies as they are, for a check that reads back what it relies on: read-only ones
    /// for a reading check, sacrificial ones (claimed) for a destructive one. A check that writes and puts back
    /// has no such world: what it reads back could be what another check arranged.
    /// </summary>
    private World Chosen(ConformanceRun run, string testId, CheckEffect effect, WorldBuilder spec, ExistingNeed existing)
    {
        var keys = spec.Anomalies.Keys.ToList();
        IReadOnlyList<AnomalyTraits>? Fits(IReadOnlyList<AnomalyTraits> candidates) =>
            existing.Choose(candidates) is { } chosen && chosen.Count == keys.Count && chosen.Distinct().Count() == keys.Count ? chosen : null;
        var anomalies = effect switch
        {
            CheckEffect.Read => fixtures.PickReadOnly(Fits, spec.Grants)
                ?? Lack<IReadOnlyList<ProvisionedAnomaly>>(run, $"{existing.Name} (fixtures.anomalies.read_only)"),
            CheckEffect.Destructive => fixtures.ClaimSacrificial(testId, Fits, spec.Grants)
                ?? Lack<IReadOnlyList<ProvisionedAnomaly>>(run, $"{existing.Name} (fixtures.anomalies.sacrificial)"),
            _ => Lack<IReadOnlyList<ProvisionedAnomaly>>(run, $"{existing.Name}, for a check that writes (it cannot tell them from what another check arranged)"),
        };
        return WorldOf(spec, keys, anomalies, IntegrationIds(run, spec), TagNames(run, spec));
    }

    /// <summary>
    /// The page cannot set team permissions: a world that grants a user another one than its label's on its
    /// datastore is given anomalies of a datastore where the manifest declares exactly that.
    /// </summary>
    private void RequireGrants(ConformanceRun run, WorldBuilder spec)
    {
        if (spec.Grants.Count > 0 && !fixtures.Regranted.Values.Any(declared => declared.Count == spec.Grants.Count && declared.All(d => spec.Grants.TryGetValue(d.Key, out var granted) && granted == d.Value)))
        {
            run.Missing($"a datastore where {string.Join(" and ", spec.Grants.Select(g => $"{g.Key} holds {g.Value ?? "no team permission"}"))} and every other user its label's (declared in fixtures.users.LABEL.permissions)");
        }
    }

    /// <summary>The first thing the spec chose that the page cannot write, in the words every such check shares; null when there is none.</summary>
    public static string? Unarrangeable(WorldBuilder spec)
    {
        if (spec.ContainerKeys.Count > 1 || spec.Anomalies.Values.Any(a => a.Container != "main"))
        {
            return "anomalies in two containers of one datastore";
        }

        foreach (var anomaly in spec.Anomalies.Values)
        {
            var chosen = anomaly switch
            {
                { Weight: not null } => "weights",
                { AnomalousRecordsCount: not null } or { AnomalousRecordsCountIsNull: true } => "anomalous record counts",
                { Created: not null } => "creation times",
                { Fingerprint: not null } => "fingerprints",
                { SoftDeleted: true } => "soft deletion",
                { FailedChecks: not null } => "failed checks",
                { SourceRecords: not null } => "source records",
                { Comments.Count: > 0, CommentsReadBack: false } => "comments",
                _ => null,
            };
            if (chosen is not null)
            {
                return $"anomalies with {chosen} chosen by the check (the page cannot write them)";
            }
        }

        return null;
    }

    /// <summary>Short tag names of the spec mapped, in order, onto the manifest's existing tag names.</summary>
    private Dictionary<string, string> TagNames(ConformanceRun run, WorldBuilder spec)
    {
        var wanted = spec.Anomalies.Values.SelectMany(a => a.Tags).Concat(spec.CatalogueTags).Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count > fixtures.Tags.Count)
        {
            run.Missing("existing tag names for the anomalies it writes (fixtures.tags)");
        }

        return wanted.Select((shortName, i) => (shortName, i)).ToDictionary(t => t.shortName, t => fixtures.Tags[t.i], StringComparer.Ordinal);
    }

    private Dictionary<string, long> IntegrationIds(ConformanceRun run, WorldBuilder spec)
    {
        if (spec.IntegrationKeys.Count > fixtures.Integrations.Count)
        {
            run.Missing("an existing ticketing integration to link tickets through (fixtures.integrations)");
        }

        return spec.IntegrationKeys.Select((key, i) => (key, i)).ToDictionary(t => t.key, t => fixtures.Integrations[t.i], StringComparer.Ordinal);
    }

    private long UserId(ConformanceRun run, string label)
    {
        if (!cast.TryGetValue(label, out var actor))
        {
            run.Missing($"user '{label}' (fixtures.users.{label})");
        }

        return actor.UserId ?? Lack<long>(run, $"the id of user '{label}' (fixtures.users.{label}.id)");
    }

    private IReadOnlyList<ProvisionedAnomaly> Sacrificial(ConformanceRun run, string testId, WorldBuilder spec, IReadOnlyList<Func<AnomalyTraits, bool>> wants) =>
        fixtures.ClaimSacrificial(testId, wants, spec.Grants)
            ?? Lack<IReadOnlyList<ProvisionedAnomaly>>(run, "sacrificial anomalies enough for its world, of the types it asks (fixtures.anomalies.sacrificial: each is used by one check)");

    private async Task<IReadOnlyList<ProvisionedAnomaly>> ClaimMutableAsync(ConformanceRun run, string testId, WorldBuilder spec, IReadOnlyList<Func<AnomalyTraits, bool>> wants, CancellationToken ct) =>
        await fixtures.ClaimMutableAsync(testId, wants, ct, spec.Grants)
            ?? Lack<IReadOnlyList<ProvisionedAnomaly>>(run, "mutable anomalies enough for its world, of the types it asks (fixtures.anomalies.mutable)");

    /// <summary>An anomaly that can be made what the spec asks: its type, and open (or already in the archived status asked).</summary>
    private static Func<AnomalyTraits, bool> Want(AnomalySpec spec, CheckEffect effect)
    {
        var type = spec.Type ?? "record";
        var status = spec.Status ?? "Active";
        return effect == CheckEffect.Destructive
            ? a => a.Type == type && (a.IsOpen || a.Status == status)
            : a => a.Type == type && a.IsOpen;
    }

    /// <summary>A read-only anomaly that already is what the spec asks, tags and assignees included (none when it asks none).</summary>
    private Func<AnomalyTraits, bool> AsIs(AnomalySpec spec, IReadOnlyDictionary<string, string> tagNames, IReadOnlyDictionary<string, long> assignees) =>
        spec.CommentsReadBack
            ? a => a.Comments >= spec.Comments.Count(c => !c.Deleted)
                && a.DistinctCommentTimes >= spec.Comments.Count(c => !c.Deleted)
                && a.DeletedComments >= spec.Comments.Count(c => c.Deleted)
            : a => a.Type == (spec.Type ?? "record")
            && a.Status == (spec.Status ?? "Active")
            && (spec.Description is null)
            && a.TagNames.Order(StringComparer.Ordinal).SequenceEqual(spec.Tags.Select(t => tagNames[t]).Order(StringComparer.Ordinal))
            && a.Assignees == 0 && spec.Assignees.Count == 0;

    /// <summary>
    /// Makes one claimed anomaly what its spec asks through the page's PUT (and an archive for an archived
    /// status), sending only what differs, then reads it back.
    /// </summary>
    private async Task<JsonObject> ArrangeAsync(long id, AnomalySpec spec, IReadOnlyDictionary<string, string> tagNames, IReadOnlyDictionary<string, long> assignees, CancellationToken ct)
    {
        var status = spec.Status ?? "Active";
        var want = new JsonObject
        {
            ["status"] = OpenStatuses.Contains(status) ? status : null,
            ["description"] = spec.Description,
            ["tags"] = new JsonArray([.. spec.Tags.Select(t => tagNames[t]).Distinct().Order(StringComparer.Ordinal).Select(n => (JsonNode?)n)]),
            ["assignee_ids"] = new JsonArray([.. spec.Assignees.Select(a => assignees[a]).Distinct().Order().Select(n => (JsonNode?)n)]),
        };
        var now = await ManifestFixtures.StateAsync(api, Admin, id);
        if (!OpenStatuses.Contains(status) && now["status"]?.GetValue<string>() != status && !OpenStatuses.Contains(now["status"]?.GetValue<string>()))
        {
            throw new TargetErrorException($"anomaly {id} was to be archived as {status} for the check, but it is {now["status"]} already", null);
        }

        var body = new JsonObject();
        foreach (var (field, value) in want)
        {
            if (value is not null && !JsonNode.DeepEquals(value, now[field]))
            {
                body[field] = value.DeepClone();
            }
        }

        if (body.Count > 0)
        {
            var put = await api.SendAsync(Admin, HttpMethod.Put, $"/api/anomalies/{id}", body.ToJsonString(), ct: ct, purpose: ExchangePurpose.Provision);
            if (put.Status is < 200 or > 299)
            {
                throw new TargetErrorException($"arranging anomaly {id} for the check: PUT answered {put.Status}", put.Exchange);
            }
        }

        if (!OpenStatuses.Contains(status) && now["status"]?.GetValue<string>() != status)
        {
            var archive = await api.SendAsync(Admin, HttpMethod.Delete, $"/api/anomalies/{id}?archive=true&status={status}", ct: ct, purpose: ExchangePurpose.Provision);
            if (archive.Status is < 200 or > 299)
            {
                throw new TargetErrorException($"archiving anomaly {id} as {status} for the check answered {archive.Status}", archive.Exchange);
            }
        }

        var after = await ManifestFixtures.StateAsync(api, Admin, id);
        var expected = want.DeepClone().AsObject();
        expected["status"] = status;
        foreach (var (field, value) in expected)
        {
            if (value is not null && !JsonNode.DeepEquals(value, after[field]))
            {
                throw new TargetErrorException($"anomaly {id} was arranged for the check with {field} {value.ToJsonString()}, and reads back {after[field]?.ToJsonString() ?? "null"}", null);
            }
        }

        return after;
    }

    private static T Lack<T>(ConformanceRun run, string what)
    {
        run.Missing(what);
        return default!;
    }
}
