using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace AnomaliesConformance.Core.Http;

/// <summary>
/// The one HTTP client of a run: a pooled handler shared by every test, each request recorded with its
/// actor, redacted, and reproducible as a curl line.
/// </summary>
public sealed class ApiClient : IDisposable
{
    public const string ProvisioningKeyHeader = "X-Provisioning-Key";

    // Bodies past this size are cut: a 10 MB answer must not exhaust memory or the report.
    private const int MaxBodyChars = 10 * 1024 * 1024;
    private const int MaxRecordedBodyChars = 64 * 1024;

    private readonly HttpClient http;
    private readonly ExchangeRecorder recorder;
    private readonly Redactor redactor;

    public ApiClient(Uri baseUrl, ExchangeRecorder recorder, Redactor redactor, TimeSpan timeout)
    {
        BaseUrl = baseUrl;
        this.recorder = recorder;
        this.redactor = redactor;
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 32,
            AutomaticDecompression = System.Net.DecompressionMethods.All,
            ConnectTimeout = timeout,
        };
        http = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = timeout };
    }

    public Uri BaseUrl { get; }

    public Task<ApiResponse> GetAsync(Actor actor, string pathAndQuery, CancellationToken ct = default, string purpose = ExchangePurpose.Act) =>
        SendAsync(actor, HttpMethod.Get, pathAndQuery, null, null, ct, purpose);

    public async Task<ApiResponse> SendAsync(
        Actor actor,
        HttpMethod method,
        string pathAndQuery,
        string? jsonBody = null,
        IReadOnlyDictionary<string, string>? headers = null,
        CancellationToken ct = default,
        string purpose = ExchangePurpose.Act)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery.TrimStart('/'));
        if (actor.Token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + actor.Token);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (jsonBody is not null)
        {
            request.Content = new StringContent(jsonBody, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        var url = new Uri(BaseUrl, pathAndQuery.TrimStart('/')).ToString();
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        // The request half of the exchange; the answer (or its absence) completes it below.
        var sent = new Exchange
        {
            Sequence = 0,
            TestId = ExchangeRecorder.CurrentTestId(),
            Actor = actor.Label,
            Purpose = purpose,
            Method = method.Method,
            Url = redactor.Redact(url),
            RequestHeaders = RedactedHeaders(request.Headers, request.Content?.Headers),
            RequestBody = jsonBody is null ? null : Cap(redactor.Redact(jsonBody)),
            StartedAt = started,
            DurationMs = 0,
            Curl = CurlLine.For(actor, method.Method, url, request.Headers, jsonBody, redactor),
        };
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var (body, bytes, truncated) = await ReadBodyAsync(response, ct);
            var exchange = sent with
            {
                Sequence = recorder.NextSequence(),
                Status = (int)response.StatusCode,
                ResponseHeaders = RedactedHeaders(response.Headers, response.Content.Headers),
                ResponseBody = Cap(redactor.Redact(body)),
                ResponseBodyBytes = bytes,
                ResponseBodyTruncated = truncated || body.Length > MaxRecordedBodyChars,
                DurationMs = clock.Elapsed.TotalMilliseconds,
            };
            recorder.Record(exchange);
            return new ApiResponse(exchange, response.Content.Headers.ContentType?.ToString(), body);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !ct.IsCancellationRequested)
        {
            var exchange = sent with
            {
                Sequence = recorder.NextSequence(),
                TransportError = redactor.Redact(e is TaskCanceledException ? $"no answer within {http.Timeout.TotalSeconds:0.#} s" : e.Message),
                DurationMs = clock.Elapsed.TotalMilliseconds,
            };
            recorder.Record(exchange);
            throw new TargetErrorException($"{method.Method} {exchange.Url} as {actor.Label}: {exchange.TransportError}", exchange, e);
        }
    }

    public void Dispose() => http.Dispose();

    private static async Task<(string Body, long Bytes, bool Truncated)> ReadBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var buffer = new char[16 * 1024];
        var text = new StringBuilder();
        long total = 0;
        int read;
        while ((read = await reader.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (text.Length < MaxBodyChars)
            {
                text.Append(buffer, 0, Math.Min(read, MaxBodyChars - text.Length));
            }
        }

        return (text.ToString(), total, total > MaxBodyChars);
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
}
