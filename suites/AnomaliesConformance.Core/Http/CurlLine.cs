using System.Net.Http.Headers;
using System.Text;

namespace AnomaliesConformance.Core.Http;

/// <summary>
/// Builds a copy-paste curl command. Secrets become shell variables named after the role
/// (<c>$TOKEN_MEMBER_AUTHOR</c>), so the line is safe to paste into a ticket.
/// </summary>
public static class CurlLine
{
    public static string For(Actor actor, string method, string url, HttpRequestHeaders headers, string? body, Redactor redactor)
    {
        var line = new StringBuilder("curl -sS -X ").Append(method).Append(' ').Append(Quote(url));
        if (actor.Token is not null)
        {
            // Deliberately invalid tokens (auth tests) are not secrets and are shown as sent.
            var token = actor.UserId is null ? actor.Token : "$" + TokenVariable(actor.Label);
            line.Append(" -H \"Authorization: Bearer ").Append(token).Append('"');
        }

        foreach (var header in headers.Where(h => !h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase)))
        {
            // Session cookies are credentials like tokens: the line names a variable, never the value.
            var value = header.Key.Equals(ApiClient.ProvisioningKeyHeader, StringComparison.OrdinalIgnoreCase)
                ? "$PROVISIONING_KEY"
                : header.Key.Equals("Cookie", StringComparison.OrdinalIgnoreCase)
                    ? "$COOKIE"
                    : string.Join(", ", header.Value);
            line.Append(" -H \"").Append(header.Key).Append(": ").Append(value).Append('"');
        }

        if (body is not null)
        {
            line.Append(" -H 'Content-Type: application/json' --data-raw ").Append(Quote(body));
        }

        return redactor.Redact(line.ToString());
    }

    public static string TokenVariable(string actorLabel) =>
        "TOKEN_" + new string(actorLabel.ToUpperInvariant().Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
