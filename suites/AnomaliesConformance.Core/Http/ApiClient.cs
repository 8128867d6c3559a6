using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.RateLimiting;
using Polly;

namespace AnomaliesConformance.Core.Http;

/// <summary>
/// The one HTTP client of a run: a pooled handler shared by every test, each request recorded with its
/// actor, redacted, and reproducible as a curl line.
/// </summary>
public sealed class ApiClient : IDisposable
{
    public const string ProvisioningKeyHeader = "X-Provisioning-Key";

    /// <summary>Bodies past this size are cut: a 10 MB answer must not exhaust memory or the report.</summary>
    public const int MaxBodyChars = 10 * 1024 * 1024;
    private const int MaxRecordedBodyChars = 64 * 1024;

    private readonly HttpClient http;
    private readonly ExchangeRecorder recorder;
    private readonly Redactor redactor;
    private readonly RequestPolicy policy;
    private readonly ResiliencePipeline<ApiResponse> retries;
    private readonly RateLimiter? rateLimiter;

    public ApiClient(Uri baseUrl, ExchangeRecorder recorder, Redactor redactor, RequestPolicy policy)
    {
        BaseUrl = baseUrl;
        this.recorder = recorder;
        this.redactor = redactor;
        this.policy = policy;
        retries = policy.BuildRetryPipeline(TimeProvider.System);
        rateLimiter = policy.BuildRateLimiter();
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            // Shorter than the shortest keep-alive a server commonly keeps (Node's 5 s): a request sent on a
            // connection the server is closing at that moment gets no answer, and a write then cannot be asked
            // again.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(4),
            // The workers bound the requests in flight; a distant target needs as many connections as they (up to 96).
            MaxConnectionsPerServer = 128,
            AutomaticDecompression = System.Net.DecompressionMethods.All,
            ConnectTimeout = policy.Timeout,
            // Writes share the reused connections with reads (no handshake per write on a distant target): the
            // guard keeps the stack from ever sending an attempt twice (SingleSend).
            PlaintextStreamFilter = SingleSend.GuardConnection,
        };
        // The timeout is applied per request in SendOnceAsync, covering the body too: HttpClient's own
        // timeout stops at the headers when the body is streamed.
        http = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    public ApiClient(Uri baseUrl, ExchangeRecorder recorder, Redactor redactor, TimeSpan timeout)
        : this(baseUrl, recorder, redactor, new RequestPolicy { Timeout = timeout })
    {
    }

    public Uri BaseUrl { get; }

    public RequestPolicy Policy => policy;

    /// <summary>
    /// Fault-matrix routing (embedded reference server only): the headers that choose this client's reference
    /// fault per request, or record which faults each check reaches. Null in every ordinary run.
    /// </summary>
    public ReferenceFaultRouting? FaultRouting { get; init; }

    public Task<ApiResponse> GetAsync(Actor actor, string pathAndQuery, CancellationToken ct = default, string purpose = ExchangePurpose.Act) =>
        SendAsync(actor, HttpMethod.Get, pathAndQuery, null, null, ct, purpose);

    /// <summary>
    /// One GET, once: no retry, whatever the answer or its absence. For the readiness probe, which decides
    /// itself how long to wait, and must see a refused connection at once.
    /// </summary>
    public Task<ApiResponse> ProbeAsync(Actor actor, string pathAndQuery, CancellationToken ct = default) =>
        SendOnceAsync(actor, HttpMethod.Get, pathAndQuery, null, null, 1, ExchangePurpose.Verify, ct);

    /// <summary>
    /// Sends one request and records every attempt as its own exchange. A 429 or 503 answer to a GET is
    /// asked again (see <see cref="RequestPolicy"/>); the last answer is returned, refused or not, and the
    /// refused attempts stay in the record so a report shows them.
    /// </summary>
    public async Task<ApiResponse> SendAsync(
        Actor actor,
        HttpMethod method,
        string pathAndQuery,
        string? jsonBody = null,
        IReadOnlyDictionary<string, string>? headers = null,
        CancellationToken ct = default,
        string purpose = ExchangePurpose.Act)
    {
        if (policy.ReadOnly && method != HttpMethod.Get && method != HttpMethod.Head && !pathAndQuery.StartsWith("/api/_provisioning/", StringComparison.Ordinal))
        {
            throw new ReadOnlyRunException($"a --read-only run refused to send {method.Method} {pathAndQuery}: the check sends a write, so it must not declare the read effect");
        }

        var attempt = 0;
        return await retries.ExecuteAsync(
            async token => await SendOnceAsync(actor, method, pathAndQuery, jsonBody, headers, ++attempt, purpose, token),
            ct);
    }

    private async Task<ApiResponse> SendOnceAsync(
        Actor actor,
        HttpMethod method,
        string pathAndQuery,
        string? jsonBody,
        IReadOnlyDictionary<string, string>? headers,
        int attempt,
        string purpose,
        CancellationToken ct)
    {
        if (rateLimiter is not null)
        {
            // Waiting for the rate limit is not the target's time: the timeout starts after it.
            using var lease = await rateLimiter.AcquireAsync(1, ct);
        }

        using var request = new HttpRequestMessage(method, pathAndQuery.TrimStart('/'));
        if (actor.Token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + actor.Token);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var testId = ExchangeRecorder.CurrentTestId();
        FaultRouting?.Apply(request.Headers, testId);

        if (jsonBody is not null)
        {
            request.Content = new StringContent(jsonBody, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        var url = new Uri(BaseUrl, pathAndQuery.TrimStart('/')).ToString();
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        // The request half of the exchange; the answer (or its absence) completes it below.
        var exchange = new Exchange
        {
            Sequence = 0,
            TestId = testId,
            Actor = actor.Label,
            Purpose = purpose,
            Attempt = attempt,
            Method = method.Method,
            Url = redactor.Redact(url),
            RequestHeaders = RedactedHeaders(request.Headers, request.Content?.Headers),
            RequestBody = jsonBody is null ? null : Cap(redactor.Redact(jsonBody)),
            StartedAt = started,
            DurationMs = 0,
            Curl = CurlLine.For(actor, method.Method, url, request.Headers, jsonBody, redactor),
        };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(policy.Timeout);
        var body = new BodyReader();
        var once = SingleSend.Begin();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            exchange = exchange with
            {
                Status = (int)response.StatusCode,
                ResponseHeaders = RedactedHeaders(response.Headers, response.Content.Headers),
            };
            await body.ReadAsync(response, deadline.Token);
            exchange = Answered(exchange, body, clock);
            recorder.Record(exchange);
            return new ApiResponse(exchange, response.Content.Headers.ContentType?.ToString(), body.Text, body.Cut);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            var what = e is OperationCanceledException
                ? $"no complete answer within {policy.Timeout.TotalSeconds:0.#} s"
                : once.ResendStopped
                    ? "the connection ended after the request was sent and before any answer (the target may have carried it out); not sent again"
                    : Describe(e);
            if (exchange.Status != 0)
            {
                what = $"the answer broke off after {body.Chars} characters of its body: {what}";
            }

            exchange = Answered(exchange, body, clock) with { TransportError = redactor.Redact(what) };
            recorder.Record(exchange);
            throw new TargetErrorException($"{method.Method} {exchange.Url} as {actor.Label}: {exchange.TransportError}", exchange, e);
        }
    }

    private Exchange Answered(Exchange exchange, BodyReader body, Stopwatch clock)
    {
        // Only what the record keeps is redacted (a 10 MB body would be slow to scan), with a margin so a
        // secret straddling the cut is still caught whole.
        var text = body.Text;
        var kept = text.Length > MaxRecordedBodyChars + 4096 ? text[..(MaxRecordedBodyChars + 4096)] : text;
        return exchange with
        {
            Sequence = recorder.NextSequence(),
            ResponseBody = exchange.Status == 0 ? null : Cap(redactor.Redact(kept)),
            ResponseBodyBytes = body.Chars,
            ResponseBodyTruncated = body.Cut || text.Length > MaxRecordedBodyChars,
            DurationMs = clock.Elapsed.TotalMilliseconds,
        };
    }

    /// <summary>The innermost message names the cause ("Connection refused", "reset by peer") without a stack.</summary>
    private static string Describe(Exception e)
    {
        var messages = new List<string>();
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (!messages.Contains(current.Message, StringComparer.Ordinal))
            {
                messages.Add(current.Message);
            }
        }

        return string.Join(" <- ", messages.AsEnumerable().Reverse());
    }

    public void Dispose()
    {
        http.Dispose();
        rateLimiter?.Dispose();
    }

    private static string? Cap(string? body) =>
        body is null || body.Length <= MaxRecordedBodyChars ? body : body[..MaxRecordedBodyChars];

    private List<KeyValuePair<string, string>> RedactedHeaders(HttpHeaders headers, HttpHeaders? contentHeaders)
    {
        var all = headers.AsEnumerable();
        if (contentHeaders is not null)
        {
            all = all.Concat(contentHeaders);
        }

        return all
            .Select(h => new KeyValuePair<string, string>(h.Key, RedactHeader(h.Key, string.Join(", ", h.Value))))
            .ToList();
    }

    private string RedactHeader(string name, string value) => name.ToLowerInvariant() switch
    {
        "authorization" or "cookie" or "set-cookie" => redactor.Redact(value) is var r && r != value ? r : "<redacted>",
        _ when name.Equals(ProvisioningKeyHeader, StringComparison.OrdinalIgnoreCase) => "<redacted>",
        _ => redactor.Redact(value),
    };

    /// <summary>
    /// Reads a body up to <see cref="MaxBodyChars"/> and stops there: a body that never ends must not fill
    /// memory. Keeps what arrived when the connection breaks, so the report shows how far the answer got.
    /// </summary>
    private sealed class BodyReader
    {
        private readonly StringBuilder text = new();

        public long Chars { get; private set; }

        public bool Cut { get; private set; }

        public string Text => text.ToString();

        public async Task ReadAsync(HttpResponseMessage response, CancellationToken ct)
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var buffer = new char[16 * 1024];
            int read;
            while ((read = await reader.ReadAsync(buffer, ct)) > 0)
            {
                Chars += read;
                text.Append(buffer, 0, Math.Min(read, MaxBodyChars - text.Length));
                if (Chars > MaxBodyChars)
                {
                    Cut = true;
                    return;
                }
            }
        }
    }
}
