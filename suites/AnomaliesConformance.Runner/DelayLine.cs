using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace AnomaliesConformance.Runner;

/// <summary>
/// A TCP delay line in front of a target, for the benchmark: every chunk in either direction arrives a fixed
/// one-way delay after it was sent (a round trip costs twice that), in order, with chunks in flight
/// overlapping as on a real long link. It carries bytes only; HTTP is the two ends' business.
/// </summary>
public sealed class DelayLine : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly Uri target;
    private readonly TimeSpan oneWay;
    private readonly CancellationTokenSource stop = new();
    private readonly Task accepting;

    private DelayLine(Uri target, TimeSpan oneWay)
    {
        this.target = target;
        this.oneWay = oneWay;
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        accepting = AcceptAsync();
    }

    public Uri Url { get; }

    /// <param name="roundTrip">The round trip the line adds: half of it each way.</param>
    public static DelayLine Start(Uri target, TimeSpan roundTrip) => new(target, roundTrip / 2);

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        try
        {
            await accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping is the end of accepting.
        }

        stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stop.Token);
            _ = Task.Run(() => CarryAsync(client));
        }
    }

    private async Task CarryAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient { NoDelay = true })
        {
            client.NoDelay = true;
            try
            {
                await upstream.ConnectAsync(target.Host, target.Port, stop.Token);
                using var connection = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                var there = PumpAsync(client.GetStream(), upstream.GetStream(), connection.Token);
                var back = PumpAsync(upstream.GetStream(), client.GetStream(), connection.Token);
                await Task.WhenAny(there, back);
                await connection.CancelAsync();
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Either end closed: so does the line.
            }
        }
    }

    /// <summary>Reads chunks as they come and writes each one the delay after it was read.</summary>
    private async Task PumpAsync(Stream from, Stream to, CancellationToken ct)
    {
        var inFlight = Channel.CreateUnbounded<(DateTime Due, byte[] Chunk)>();
        var writer = Task.Run(async () =>
        {
            await foreach (var (due, chunk) in inFlight.Reader.ReadAllAsync(ct))
            {
                var wait = due - DateTime.UtcNow;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, ct);
                }

                await to.WriteAsync(chunk, ct);
            }

            to.Close();
        }, ct);
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, ct)) > 0)
            {
                await inFlight.Writer.WriteAsync((DateTime.UtcNow + oneWay, buffer[..read]), ct);
            }
        }
        finally
        {
            inFlight.Writer.TryComplete();
        }

        await writer;
    }
}
