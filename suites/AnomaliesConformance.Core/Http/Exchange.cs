using System.Text.Json.Serialization;

namespace AnomaliesConformance.Core.Http;

/// <summary>One HTTP request and its response, secrets already redacted, as reports and replays need it.</summary>
public sealed record Exchange
{
    public required long Sequence { get; init; }
    public required string TestId { get; init; }
    public required string Actor { get; init; }
    /// <summary>Why the suite sent it: the action under test, a read-back that verifies it, or fixture provisioning.</summary>
    public string Purpose { get; init; } = ExchangePurpose.Act;
    /// <summary>1 for the first try; 2 and up when the suite asked again after a 429 or 503 (see RequestPolicy).</summary>
    public int Attempt { get; init; } = 1;
    public required string Method { get; init; }
    public required string Url { get; init; }
    public required IReadOnlyList<KeyValuePair<string, string>> RequestHeaders { get; init; }
    public string? RequestBody { get; init; }
    /// <summary>HTTP status, or 0 when no response arrived (see <see cref="TransportError"/>).</summary>
    public int Status { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders { get; init; } = [];
    public string? ResponseBody { get; init; }
    public long ResponseBodyBytes { get; init; }
    public bool ResponseBodyTruncated { get; init; }
    /// <summary>
    /// Why the answer is missing or incomplete (refused, reset, timed out); set with a status when the
    /// headers arrived but the body broke off.
    /// </summary>
    public string? TransportError { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required double DurationMs { get; init; }
    /// <summary>A copy-paste reproduction; the token is an environment variable named after the role.</summary>
    public required string Curl { get; init; }

    /// <summary>Was this a retry, i.e. did the suite ask again after a refusal?</summary>
    [JsonIgnore]
    public bool IsRetry => Attempt > 1;

    /// <summary>"200", "503", or "no answer (reason)" / "200, then: reason" for reports.</summary>
    [JsonIgnore]
    public string Outcome => TransportError is null
        ? Status.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : Status == 0 ? $"no answer ({TransportError})" : $"{Status}, then: {TransportError}";
}

public static class ExchangePurpose
{
    public const string Act = "act";
    public const string Verify = "verify";
    public const string Provision = "provision";
}
