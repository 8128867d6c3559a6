using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Support;

/// <summary>
/// The one datastore the permission matrix and the authentication checks act on, provisioned once per run in
/// one batch (not once per cell): a shared anomaly for the reads, and for every write call one anomaly per
/// caller, so a write that is (wrongly) allowed changes nothing another check looks at.
/// </summary>
public sealed class EndpointWorld
{
    public const string Integration = "tickets";
    public const string SharedKey = "shared";

    /// <summary>Callers of the authentication checks, beside the cast: each gets its own write targets too.</summary>
    public const string BadTokenCaller = "bad-token";
    public const string NoTokenCaller = "no-token";

    public const string Scope = "endpoint-world";

    private readonly IReadOnlyDictionary<string, long> links;

    private EndpointWorld(World world, IReadOnlyDictionary<string, long> links)
    {
        World = world;
        this.links = links;
    }

    public World World { get; }

    /// <summary>
    /// What <paramref name="caller"/>'s <paramref name="call"/> acts on: in the run's shared endpoint world, or in
    /// manifest mode a read-only anomaly for a read and, for a write, an anomaly the planner gives this check
    /// alone (mutable, or sacrificial for an archive or hard delete). The manifest's users hold their cast
    /// label's team permission on the datastores of its anomalies (specs/profile.md), as the world's would.
    /// </summary>
    public static async Task<EndpointTarget> TargetAsync(EndpointCall call, string caller)
    {
        var run = ConformanceRun.Current;
        if (run.Manifest is not { } manifest)
        {
            return (await run.SharedAsync(Scope, () => CreateAsync(run))).TargetFor(call, caller);
        }

        if (!call.Writes)
        {
            if (manifest.ReadOnly.Count == 0)
            {
                run.Missing("a read-only anomaly (fixtures.anomalies.read_only)");
            }

            var shared = manifest.ReadOnly[0] with { Key = SharedKey };
            return new EndpointTarget(
                new World
                {
                    Prefix = run.RunPrefix,
                    DatastoreId = manifest.TraitsOf(shared.Id).DatastoreId ?? 0,
                    Containers = new Dictionary<string, long>(),
                    Anomalies = new Dictionary<string, ProvisionedAnomaly> { [SharedKey] = shared },
                    Integrations = new Dictionary<string, long>(),
                    Specs = new Dictionary<string, AnomalySpec>(),
                },
                shared,
                null);
        }

        var own = await run.ProvisionAsync(NUnit.Framework.TestContext.CurrentContext.Test.FullName, b =>
        {
            b.Anomaly("own", new AnomalySpec { Status = call.Target == CallTarget.OwnArchivedAnomaly ? "Resolved" : "Active" });
            if (call.TouchesTicketLinks)
            {
                b.Integration(Integration);
            }
        });
        var link = call.Target == CallTarget.OwnLinkedAnomaly ? await CreateLinkAsync(run, own, "own") : (long?)null;
        return new EndpointTarget(own, own["own"], link);
    }

    public EndpointTarget TargetFor(EndpointCall call, string caller)
    {
        if (!call.Writes)
        {
            return new EndpointTarget(World, World[SharedKey], null);
        }

        var key = Key(call, caller);
        return new EndpointTarget(World, World[key], links.TryGetValue(key, out var link) ? link : null);
    }

    private static string Key(EndpointCall call, string caller) => $"{call.Key}:{caller}";

    private static async Task<EndpointWorld> CreateAsync(ConformanceRun run)
    {
        var callers = CastMember.Everyone.Select(m => m.Label).Append(BadTokenCaller).Append(NoTokenCaller).ToList();
        // Write targets need no source rows: keeping them small keeps the one batch small.
        var noRecords = new SourceRecordsSpec(["id"], [], [new Dictionary<string, object?> { ["id"] = 1 }]);
        var world = await run.ProvisionAsync("endpoint-world", b =>
        {
            b.Anomaly(SharedKey).Integration(Integration);
            foreach (var call in EndpointCalls.All.Where(c => c.Writes))
            {
                foreach (var caller in callers)
                {
                    b.Anomaly(Key(call, caller), new AnomalySpec
                    {
                        Status = call.Target == CallTarget.OwnArchivedAnomaly ? "Resolved" : "Active",
                        SourceRecords = noRecords,
                    });
                }
            }
        });

        // The links exist for the link-deleting calls, which a --read-only run does not make (nor may it write links).
        var linked = EndpointCalls.All.Where(c => c.Target == CallTarget.OwnLinkedAnomaly && !run.Settings.ReadOnly)
            .SelectMany(c => callers.Select(caller => Key(c, caller)))
            .ToList();
        var created = await Task.WhenAll(linked.Select(async key => (key, id: await CreateLinkAsync(run, world, key))));
        return new EndpointWorld(world, created.ToDictionary(c => c.key, c => c.id));
    }

    /// <summary>The ticket link a link-deleting call deletes, made by a Manager as set-up.</summary>
    private static async Task<long> CreateLinkAsync(ConformanceRun run, World world, string key)
    {
        var response = await run.Api.SendAsync(
            run.Actor("manager-author"), HttpMethod.Post, $"/api/anomalies/{world[key].Id}/ticket-links", EndpointCalls.TicketLinkBody(world, "INC-SETUP"), purpose: ExchangePurpose.Provision);
        if (response.Status is < 200 or > 299 || Representation.IntegerOf(response.JsonOrNull()?["id"]) is not { } id)
        {
            throw new TargetErrorException($"creating the ticket link the matrix deletes answered {response.Status}: {response.Body}", response.Exchange);
        }

        return id;
    }
}
