using System.Text.Json;
using System.Text.Json.Nodes;

namespace AnomaliesConformance.Core.Http;

/// <summary>What the target answered to one request, with the recorded exchange for failure reports.</summary>
public sealed class ApiResponse(Exchange exchange, string? contentType, string body)
{
    private JsonNode? json;
    private bool parsed;

    public Exchange Exchange { get; } = exchange;
    public int Status => Exchange.Status;
    public string? ContentType { get; } = contentType;
    public string Body { get; } = body;

    public string? Header(string name) => Exchange.ResponseHeaders
        .Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase))
        .Select(h => h.Value)
        .FirstOrDefault();

    /// <summary>The body as JSON; a body that is not JSON is a target error, not a failed rule.</summary>
    public JsonNode Json
    {
        get
        {
            if (!parsed)
            {
                try
                {
                    json = JsonNode.Parse(Body);
                }
                catch (JsonException e)
                {
                    throw new TargetErrorException(
                        $"{Exchange.Method} {Exchange.Url} answered {Status} with a body that is not JSON: {e.Message}",
                        Exchange,
                        e);
                }

                parsed = true;
            }

            return json ?? throw new TargetErrorException(
                $"{Exchange.Method} {Exchange.Url} answered {Status} with the JSON literal null", Exchange);
        }
    }

    public JsonObject Object => Json as JsonObject ?? throw new TargetErrorException(
        $"{Exchange.Method} {Exchange.Url} answered {Status} with JSON that is not an object", Exchange);

    public JsonArray Array => Json as JsonArray ?? throw new TargetErrorException(
        $"{Exchange.Method} {Exchange.Url} answered {Status} with JSON that is not an array", Exchange);

    /// <summary>A one-line description used in assertion messages.</summary>
    public string Summary => $"{Exchange.Method} {Exchange.Url} as {Exchange.Actor} -> {Status}";

    public override string ToString() => $"{Summary}: {Truncate(Body, 600)}";

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + $"... ({text.Length} chars)";
}
