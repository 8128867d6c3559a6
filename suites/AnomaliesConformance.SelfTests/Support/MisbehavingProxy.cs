using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AnomaliesConformance.SelfTests.Support;

/// <summary>The ways a target can fail to give an answer the suite can judge.</summary>
public enum Misbehaviour
{
    /// <summary>Closes the connection without answering (what a crashed or restarting process does).</summary>
    DropConnection,

    /// <summary>Sends the real status, headers and half the body, then resets the connection.</summary>
    ResetMidBody,

    /// <summary>Sends 200 and the start of a JSON body, then nothing, forever.</summary>
    NeverEnd,

    /// <summary>The real headers and body, one byte every 50 ms: each byte is in time, the whole answer is not.</summary>
    SlowDrip,

    /// <summary>500 with a JSON detail, as a crashing handler behind an error middleware answers.</summary>
    ServerError,

    /// <summary>502 with the HTML page a gateway serves when the application is down.</summary>
    HtmlErrorPage,

    /// <summary>The real status, labelled application/json, with a plain-text body.</summary>
    NotJson,

    /// <summary>The real status with the first half of the real JSON body (and a Content-Length that fits it).</summary>
    TruncatedJson,

    /// <summary>The real status and body, labelled text/html.</summary>
    WrongContentType,

    /// <summary>The real status with a valid JSON body of 11 MiB, past the 10 MB the suite reads.</summary>
    HugeBody,

    /// <summary>429 with Retry-After: 1 (seconds), as nginx answers past its rate limit.</summary>
    TooManyRequests,

    /// <summary>503 with Retry-After as an HTTP date one second ahead.</summary>
    ServiceUnavailable,

    /// <summary>Aborts the request and stops listening: from then on every connection is refused.</summary>
    StopListening,

    /// <summary>
    /// Forwards the request, so the target carries it out, then closes the connection without answering:
    /// the answer is lost on the way back, as behind a proxy that resets a connection.
    /// </summary>
    ForwardThenDrop,

    /// <summary>
    /// Forwards the request, so the target carries it out, then closes the connection in good order (a FIN, not a
    /// reset) without answering, as a process that exits or a proxy at its idle timeout does. The client reads
    /// the end of the stream where the answer should start, which the .NET HTTP stack takes as a stale
    /// connection: it sends a request without content again, on a new connection, unless stopped.
    /// </summary>
    ForwardThenClose,
}

/// <summary>
/// A flaky network between the suite and the target: after the first <see cref="Spare"/> requests (the run's
/// setup), each request is, at random from <see cref="Seed"/>, reset before it reaches the target
/// (<see cref="ResetRate"/> / 2), reset after the target carried it out (the other half), or carried out and
/// its answer held for <see cref="Hold"/> and then dropped (<see cref="HoldRate"/>, past the suite's timeout).
/// </summary>
public sealed record Chaos(int Seed, double ResetRate, double HoldRate, TimeSpan Hold, int Spare);

/// <summary>
/// Which requests misbehave: the method, a pattern over path and query, and optionally only after the
/// first <see cref="After"/> matching requests, or for the first <see cref="Times"/> of the rest.
/// </summary>
public sealed record MisbehaviourRule(string Method, string PathAndQueryPattern, Misbehaviour What, int After = 0, int? Times = null)
{
    public bool Matches(string method, string pathAndQuery) =>
        string.Equals(method, Method, StringComparison.OrdinalIgnoreCase) && Regex.IsMatch(pathAndQuery, PathAndQueryPattern);

    public override string ToString() => $"{What} on {Method} {PathAndQueryPattern}" + (After > 0 ? $" after {After}" : "") + (Times is { } t ? $" {t} times" : "");
}

/// <summary>
/// A faulty target for the self-tests: a loopback proxy in front of a real reference server that forwards
/// every request except those its rule picks, which it answers in the rule's broken way. The suite runs
/// against it as against any deployment.
/// </summary>
public sealed class MisbehavingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Host",
    };

    private readonly WebApplication app;
    private readonly HttpClient upstream;
    private readonly MisbehaviourRule rule;
    private int matched;
    private int misbehaved;
    private int forwardedAndDropped;
    private int requests;
    private int resets;
    private int holds;
    private Chaos? chaos;
    private Random random = new(0);

    private MisbehavingProxy(WebApplication app, HttpClient upstream, MisbehaviourRule rule)
    {
        this.app = app;
        this.upstream = upstream;
        this.rule = rule;
    }

    public Uri Url { get; private set; } = null!;

    /// <summary>How many requests got the misbehaviour: a self-test checks the fault was actually hit.</summary>
    public int Misbehaved => Volatile.Read(ref misbehaved);

    /// <summary>What the chaos did: requests reset (before or after the target), and answers held past the timeout.</summary>
    public (int Resets, int Holds) Disturbed => (Volatile.Read(ref resets), Volatile.Read(ref holds));

    /// <summary>How many requests the target carried out whose answers were then dropped.</summary>
    public int ForwardedAndDropped => Volatile.Read(ref forwardedAndDropped);

    /// <summary>Every request the proxy received, as "METHOD /path?query": a resend shows as a repeated line.</summary>
    public IReadOnlyList<string> Received => received.ToList();

    /// <summary>A proxy that is a flaky network rather than a broken target.</summary>
    public static async Task<MisbehavingProxy> StartAsync(Uri upstreamUrl, Chaos chaos)
    {
        var proxy = await StartAsync(upstreamUrl, new MisbehaviourRule("*", ".", Misbehaviour.DropConnection, Times: 0));
        proxy.chaos = chaos;
        proxy.random = new Random(chaos.Seed);
        return proxy;
    }

    public static async Task<MisbehavingProxy> StartAsync(Uri upstreamUrl, MisbehaviourRule rule)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            // Kestrel would cut a slow drip itself; the point is to see whether the suite does.
            kestrel.Limits.MinResponseDataRate = null;
        });
        var app = builder.Build();
        var proxy = new MisbehavingProxy(app, new HttpClient { BaseAddress = upstreamUrl, Timeout = TimeSpan.FromMinutes(2) }, rule);
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        proxy.Url = new Uri(app.Urls.Single().TrimEnd('/') + "/");
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(quick.Token);
        await app.DisposeAsync();
        upstream.Dispose();
    }

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> received = new();

    private bool Picks(HttpRequest request)
    {
        received.Enqueue($"{request.Method} {request.Path}{request.QueryString}");
        if (!rule.Matches(request.Method, request.Path + request.QueryString))
        {
            return false;
        }

        var index = Interlocked.Increment(ref matched);
        if (index <= rule.After || (rule.Times is { } times && index > rule.After + times))
        {
            return false;
        }

        Interlocked.Increment(ref misbehaved);
        return true;
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (chaos is not null)
        {
            await ChaosAsync(context, chaos);
            return;
        }

        if (!Picks(context.Request))
        {
            using var forwarded = await ForwardAsync(context.Request);
            context.Response.StatusCode = (int)forwarded.StatusCode;
            CopyHeaders(forwarded, context.Response);
            await forwarded.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
            return;
        }

        try
        {
            await MisbehaveAsync(context);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ConnectionResetException)
        {
            // The suite gave up on the answer (its timeout): that is the expected end of a slow one.
        }
    }

    private async Task MisbehaveAsync(HttpContext context)
    {
        var response = context.Response;
        switch (rule.What)
        {
            case Misbehaviour.DropConnection:
                context.Abort();
                return;
            case Misbehaviour.ForwardThenDrop:
                using (await ForwardAsync(context.Request))
                {
                    Interlocked.Increment(ref forwardedAndDropped);
                }

                context.Abort();
                return;
            case Misbehaviour.ForwardThenClose:
                using (await ForwardAsync(context.Request))
                {
                    Interlocked.Increment(ref forwardedAndDropped);
                }

                context.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionSocketFeature>()!.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
                await Task.Delay(300, context.RequestAborted);
                context.Abort();
                return;
            case Misbehaviour.StopListening:
                context.Abort();
                _ = Task.Run(() => app.StopAsync());
                return;
            case Misbehaviour.NeverEnd:
                response.StatusCode = 200;
                response.ContentType = "application/json";
                await response.WriteAsync("""{"items": [""", context.RequestAborted);
                await response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
                return;
            case Misbehaviour.ServerError:
                await Answer(context, 500, "application/json", """{"detail": "Internal Server Error"}""");
                return;
            case Misbehaviour.HtmlErrorPage:
                await Answer(context, 502, "text/html", "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>");
                return;
            case Misbehaviour.TooManyRequests:
                response.Headers.RetryAfter = "1";
                await Answer(context, 429, "text/html", "<html><head><title>429 Too Many Requests</title></head><body><h1>429 Too Many Requests</h1></body></html>");
                return;
            case Misbehaviour.ServiceUnavailable:
                response.Headers.RetryAfter = DateTimeOffset.UtcNow.AddSeconds(1).ToString("r", CultureInfo.InvariantCulture);
                await Answer(context, 503, "text/html", "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>");
                return;
            case Misbehaviour.HugeBody:
            {
                using var real = await ForwardAsync(context.Request);
                response.StatusCode = (int)real.StatusCode;
                response.ContentType = "application/json";
                var chunk = new string('x', 64 * 1024);
                await response.WriteAsync("{\"padding\": \"", context.RequestAborted);
                for (var i = 0; i < 11 * 16; i++)
                {
                    await response.WriteAsync(chunk, context.RequestAborted);
                }

                await response.WriteAsync("\", \"items\": []}", context.RequestAborted);
                return;
            }
        }

        // The rest corrupt the real answer.
        using var forwarded = await ForwardAsync(context.Request);
        var body = await forwarded.Content.ReadAsByteArrayAsync(context.RequestAborted);
        response.StatusCode = (int)forwarded.StatusCode;
        CopyHeaders(forwarded, response);
        switch (rule.What)
        {
            case Misbehaviour.ResetMidBody:
                // Pauses let the client take in the headers and the first half before the reset: a reset
                // arriving with unread data would discard it, and the case would be a plain refused answer.
                response.ContentLength = body.Length;
                await response.StartAsync(context.RequestAborted);
                await response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(100, context.RequestAborted);
                await response.Body.WriteAsync(body.AsMemory(0, body.Length / 2), context.RequestAborted);
                await response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(300, context.RequestAborted);
                context.Abort();
                return;
            case Misbehaviour.SlowDrip:
                response.ContentLength = body.Length;
                foreach (var octet in body)
                {
                    await response.Body.WriteAsync(new[] { octet }, context.RequestAborted);
                    await response.Body.FlushAsync(context.RequestAborted);
                    await Task.Delay(50, context.RequestAborted);
                }

                return;
            case Misbehaviour.NotJson:
                response.ContentLength = null;
                response.ContentType = "application/json";
                await response.WriteAsync("Service temporarily degraded, please try again later.", context.RequestAborted);
                return;
            case Misbehaviour.TruncatedJson:
                response.ContentLength = body.Length / 2;
                await response.Body.WriteAsync(body.AsMemory(0, body.Length / 2), context.RequestAborted);
                return;
            case Misbehaviour.WrongContentType:
                response.ContentType = "text/html; charset=utf-8";
                await response.Body.WriteAsync(body, context.RequestAborted);
                return;
            default:
                throw new InvalidOperationException($"no handling for {rule.What}");
        }
    }

    private static async Task Answer(HttpContext context, int status, string contentType, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body, Encoding.UTF8, context.RequestAborted);
    }

    private async Task ChaosAsync(HttpContext context, Chaos network)
    {
        received.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
        double draw;
        lock (random)
        {
            draw = random.NextDouble();
        }

        var spared = Interlocked.Increment(ref requests) <= network.Spare;
        try
        {
            if (!spared && draw < network.ResetRate / 2)
            {
                Interlocked.Increment(ref resets);
                context.Abort();
                return;
            }

            using var forwarded = await ForwardAsync(context.Request);
            if (!spared && draw < network.ResetRate)
            {
                Interlocked.Increment(ref resets);
                context.Abort();
                return;
            }

            if (!spared && draw < network.ResetRate + network.HoldRate)
            {
                Interlocked.Increment(ref holds);
                await Task.Delay(network.Hold, context.RequestAborted);
                context.Abort();
                return;
            }

            context.Response.StatusCode = (int)forwarded.StatusCode;
            CopyHeaders(forwarded, context.Response);
            await forwarded.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ConnectionResetException)
        {
            // The suite gave up on a held answer (its timeout): the expected end of one.
        }
    }

    private async Task<HttpResponseMessage> ForwardAsync(HttpRequest request)
    {
        var message = new HttpRequestMessage(new HttpMethod(request.Method), (request.Path + request.QueryString).TrimStart('/'));
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            message.Content = new ByteArrayContent(buffer.ToArray());
        }

        foreach (var (name, values) in request.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        return await upstream.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
    }

    private static void CopyHeaders(HttpResponseMessage from, HttpResponse to)
    {
        foreach (var (name, values) in from.Headers.Concat(from.Content.Headers))
        {
            if (!HopByHop.Contains(name))
            {
                to.Headers[name] = values.ToArray();
            }
        }
    }
}
