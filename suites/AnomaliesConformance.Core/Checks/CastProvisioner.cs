using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;

namespace AnomaliesConformance.Core.Checks;

/// <summary>Provisions the run's users in one batch and registers their tokens as secrets.</summary>
public static class CastProvisioner
{
    public static async Task<IReadOnlyDictionary<string, Actor>> ProvisionAsync(ProvisioningClient provisioning, Redactor redactor, string runPrefix)
    {
        var users = new JsonArray(CastMember.Everyone.Select(m => (JsonNode?)new JsonObject
        {
            ["key"] = m.Label,
            ["name"] = $"{runPrefix} {m.Label}",
            ["email"] = $"{runPrefix}.{m.Label}@conformance.example",
            ["role"] = m.GlobalRole,
        }).ToArray());
        return await provisioning.BatchAsync(new JsonObject { ["run"] = runPrefix, ["users"] = users }, answer =>
        {
            var actors = new Dictionary<string, Actor>(StringComparer.Ordinal);
            foreach (var member in CastMember.Everyone)
            {
                var user = answer["users"]?[member.Label] ?? throw new KeyNotFoundException($"no user {member.Label}");
                var token = user["token"]!.GetValue<string>();
                redactor.Register(token, "<token:" + member.Label + ">");
                actors[member.Label] = new Actor(member.Label, member.GlobalRole, member.TeamPermission, user["id"]!.GetValue<long>(), token);
            }

            return (IReadOnlyDictionary<string, Actor>)actors;
        });
    }
}
