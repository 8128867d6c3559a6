using System.Globalization;
using System.Threading.RateLimiting;
using Polly;
using Polly.Retry;

namespace AnomaliesConformance.Core.Http;

/// <summary>
/// How politely the suite talks to a target: how long it waits for one answer, how many requests per
/// second it sends, and which refusals it retries. Deployments behind nginx answer 429 past their rate
/// limit and 503 past their connection limit (deployment-facts.md); those answers come from the proxy, not
/// from the API, so a run retries them instead of blaming a rule.
/// </summary>
public sealed record RequestPolicy
{
    /// <summary>A Retry-After longer than this is not waited for: the refusal stands and the check is a target error.</summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(10);

    /// <summary>The first backoff when the target names no Retry-After; it doubles per retry (with jitter).</summary>
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(500);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of one request after a 429 or 503; 0 turns retrying off.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>Requests per second the run may send (all workers together); null for no limit.</summary>
    public int? RateLimitPerSecond { get; init; }

    /// <summary>
    /// A --read-only run: the client refuses to send any write to the API (the provisioning extension's own
    /// calls aside), so a check that declared the wrong effect fails instead of changing a shared target.
    /// </summary>
    public bool ReadOnly { get; init; }

    /// <summary>The answers that mean "not now" rather than "no": too many requests, or the service is busy.</summary>
    public static bool IsRefusal(int status) => status is 429 or 503;

    /// <summary>
    /// Only GET and HEAD are retried. PUT and DELETE are idempotent in HTTP, but in this API they change
    /// state and write history, and a 503 does not promise the change was not made: retrying could hide a
    /// double write from the very check that looks for it. POST and PATCH are not idempotent at all.
    /// </summary>
    public static bool IsRetriable(string method) => method is "GET" or "HEAD";

    /// <summary>
    /// A request that may be sent twice with the effect of once: a read, except a source-record read with
    /// include_masked=true, which the page has write an audit entry. Only these are asked again (the HTTP stack
    /// itself never resends anything: SingleSend).
    /// </summary>
    public static bool IsSafeToRepeat(string method, string pathAndQueryOrUrl) =>
        IsRetriable(method) && !pathAndQueryOrUrl.Contains("include_masked=true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The wait a refusal asks for: its Retry-After in seconds or as an HTTP date, or null when it names none
    /// (the exponential backoff applies then). A date in the past means "now".
    /// </summary>
    public static TimeSpan? RetryAfter(string? headerValue, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(headerValue))
        {
            return null;
        }

        var value = headerValue.Trim();
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Min(seconds, 86_400));
        }

        if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            var wait = date - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>Whether the suite asks again after this answer: a refusal of a safe request whose wait it is willing to honour.</summary>
    /// <summary>
    /// A read whose answer never came whole (a reset, a dropped connection, a timeout) is asked again, with the
    /// same backoff as a 429 or 503: reading twice changes nothing. A write is never sent again: the target
    /// may have carried it out, and its check is a target error.
    /// </summary>
    public static bool IsLostRead(Exchange exchange) => exchange.TransportError is not null && IsSafeToRepeat(exchange.Method, exchange.Url);

    public bool ShouldRetry(ApiResponse response, DateTimeOffset now) =>
        IsRefusal(response.Status)
        && IsSafeToRepeat(response.Exchange.Method, response.Exchange.Url)
        && (RetryAfter(response.Header("Retry-After"), now) ?? TimeSpan.Zero) <= LongestWait;

    public ResiliencePipeline<ApiResponse> BuildRetryPipeline(TimeProvider clock)
    {
        if (MaxRetries == 0)
        {
            return ResiliencePipeline<ApiResponse>.Empty;
        }

        return new ResiliencePipelineBuilder<ApiResponse> { TimeProvider = clock }
            .AddRetry(new RetryStrategyOptions<ApiResponse>
            {
                MaxRetryAttempts = MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = FirstBackoff,
                MaxDelay = LongestWait,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } answer
                    ? ShouldRetry(answer, clock.GetUtcNow())
                    : args.Outcome.Exception is TargetErrorException { Exchange: { } lost } && IsLostRead(lost)),
                // The target's own Retry-After wins over the computed backoff.
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result is { } answer ? RetryAfter(answer.Header("Retry-After"), clock.GetUtcNow()) : null),
            })
            .Build();
    }

    /// <summary>
    /// A token bucket refilled in steps of at least 50 ms (finer timer ticks are not reliable), never holding
    /// more than one step's tokens, so the run never bursts above its rate.
    /// </summary>
    public RateLimiter? BuildRateLimiter()
    {
        if (RateLimitPerSecond is not { } perSecond)
        {
            return null;
        }

        var step = TimeSpan.FromSeconds(Math.Max(1.0 / perSecond, 0.05));
        var tokensPerStep = Math.Max(1, (int)Math.Round(perSecond * step.TotalSeconds));
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokensPerStep,
            TokensPerPeriod = tokensPerStep,
            ReplenishmentPeriod = step,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }
}

/// <summary>A write attempted during a --read-only run: a defect of the check that sent it, never sent.</summary>
public sealed class ReadOnlyRunException(string message) : InvalidOperationException(message);
