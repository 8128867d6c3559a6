using System.Text;
using System.Text.Json.Nodes;

namespace AnomaliesConformance.SelfTests.Support;

/// <summary>
/// What a check could change on an existing anomaly, as an Admin reads it: the fields a write may set, its
/// ticket links and its comments. Manifest self-tests compare it before and after a run, field by field.
/// </summary>
public static class WritableState
{
    private static readonly string[] Fields = ["id", "status", "description", "global_tags", "assignees", "archived"];

    /// <param name="admin">A client that sends an Admin's token.</param>
    public static async Task<string> ReadAsync(HttpClient admin, long id)
    {
        var anomaly = JsonNode.Parse(await admin.GetStringAsync($"/api/anomalies/{id}"))!.AsObject();
        var state = new StringBuilder();
        foreach (var field in Fields)
        {
            state.Append(field).Append('=').AppendLine(anomaly[field]?.ToJsonString());
        }

        state.AppendLine(await admin.GetStringAsync($"/api/anomalies/{id}/ticket-links"));
        state.AppendLine(await admin.GetStringAsync($"/api/anomalies/{id}/comments?include_deleted=true"));
        return state.ToString();
    }
}
