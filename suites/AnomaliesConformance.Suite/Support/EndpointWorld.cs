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

    private const string Scope = "endpoint-world";

    private readonly IReadOnlyDictionary<string, long> links;

    private EndpointWorld(World world, IReadOnlyDictionary<string, long> links)
    {
        World = world;
        this.links = links;
    }

    public World World { get; }

    public static Task<EndpointWorld> GetAsync()
    {
        var run = ConformanceRun.Current;
        if (run.Manifest is not null)
        {
            run.Missing("provisioning extension: the permission and token checks act on a datastore that grants each cast member its permission");
        }

        return run.SharedAsync(Scope, () => CreateAsync(run));
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
        var manager = run.Cast["manager-author"];
        var created = await Task.WhenAll(linked.Select(async key =>
        {
            var response = await run.Api.SendAsync(
                manager, HttpMethod.Post, $"/api/anomalies/{world[key].Id}/ticket-links", EndpointCalls.TicketLinkBody(world, "INC-SETUP"), purpose: ExchangePurpose.Provision);
            if (response.Status is < 200 or > 299 || response.Json["id"]?.GetValue<long>() is not { } id)
            {
                throw new TargetErrorException($"creating the ticket link the matrix deletes answered {response.Status}: {response.Body}", response.Exchange);
            }

            return (key, id);
        }));
        return new EndpointWorld(world, created.ToDictionary(c => c.key, c => c.id));
    }
}
