using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AnomaliesConformance.Core.Http;

/// <summary>What the target answered to one request, with the recorded exchange for failure reports.</summary>
public sealed class ApiResponse(Exchange exchange, string? contentType, string body, bool bodyCut = false)
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

    /// <summary>The body was longer than <see cref="ApiClient.MaxBodyChars"/>; <see cref="Body"/> holds its start only.</summary>
    public bool BodyCut { get; } = bodyCut;

    /// <summary>
    /// The body as JSON. A body the suite cannot read as JSON is a target error, not a failed rule: not
    /// JSON, cut short, over the size the suite reads, or labelled with a media type that is not JSON (a
    /// client must not parse an HTML page because it happens to look like JSON). A missing Content-Type is
    /// tolerated when the body parses.
    /// </summary>
    public JsonNode Json
    {
        get
        {
            if (!parsed)
            {
                if (BodyCut)
                {
                    throw new TargetErrorException(
                        $"{Exchange.Method} {Exchange.Url} answered {Status} with a body of more than {ApiClient.MaxBodyChars} characters, which the suite does not read",
                        Exchange);
                }

                if (ContentType is { } type && !IsJsonMediaType(type))
                {
                    throw new TargetErrorException(
                        $"{Exchange.Method} {Exchange.Url} answered {Status} with Content-Type {type}, not JSON",
                        Exchange);
                }

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

    /// <summary>
    /// The body as JSON when it is readable JSON (complete, parsing, labelled JSON or unlabelled), else null: for
    /// checks whose rule is the answer's form itself (ERRORS-DETAIL), where a body that is not JSON is the failure.
    /// </summary>
    public JsonNode? JsonOrNull()
    {
        if (BodyCut || (ContentType is { } type && !IsJsonMediaType(type)))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public JsonObject Object => Json as JsonObject ?? throw new TargetErrorException(
        $"{Exchange.Method} {Exchange.Url} answered {Status} with JSON that is not an object", Exchange);

    public JsonArray Array => Json as JsonArray ?? throw new TargetErrorException(
        $"{Exchange.Method} {Exchange.Url} answered {Status} with JSON that is not an array", Exchange);

    /// <summary>A one-line description used in assertion messages.</summary>
    public string Summary => $"{Exchange.Method} {Exchange.Url} as {Exchange.Actor} -> {Status}";

    public override string ToString() => $"{Summary}: {Truncate(Body, 600)}";

    public static bool IsJsonMediaType(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsedType) && parsedType.MediaType is { } media
        && (media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + $"... ({text.Length} chars)";
}
