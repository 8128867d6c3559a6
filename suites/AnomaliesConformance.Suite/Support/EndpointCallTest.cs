using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core.Http;

namespace AnomaliesConformance.Suite.Support;

/// <summary>Base of the checks that send every endpoint's call (the permission matrix and authentication).</summary>
[SharedFixture(EndpointWorld.Scope)]
public abstract class EndpointCallTest : ConformanceTest
{
    protected static Task<ApiResponse> SendAsync(Actor actor, EndpointCall call, EndpointTarget target)
    {
        var request = call.Build(target);
        return Api.SendAsync(actor, request.Method, request.PathAndQuery, request.Body);
    }

    /// <summary>
    /// What a write could have changed, read back as an Admin: the anomaly's page fields, its history length
    /// and, for ticket-link calls, its links. Compared before and after a refused write to show that nothing changed.
    /// </summary>
    protected static async Task<string> WriteStateAsync(EndpointCall call, EndpointTarget target)
    {
        // Read at once: on a distant target a check's time is its chain of round trips.
        var state = StateAsync(target.Anomaly);
        var links = call.TouchesTicketLinks ? LinkIdsAsync(target.Anomaly) : null;
        await Task.WhenAll(links is null ? [state] : [state, links]);
        var text = $"{(await state).Fields.ToJsonString()}\nhistory entries: {(await state).HistoryEntries}";
        return links is null ? text : text + "\nticket links: " + string.Join(", ", await links);
    }
}
