using System.Net.Http;

namespace AnomaliesConformance.Core.Http;

/// <summary>
/// One attempt leaves the process once. The .NET HTTP stack sends a request that has no content again, on a
/// new connection and up to three times, when the connection it went out on ends before the first byte of an
/// answer (HttpConnection.SendAsync: a premature end of stream sets _canRetry when request.Content is null;
/// the pool then retries on a fresh connection, which is as true of a connection opened for the request as of
/// a reused one). A DELETE the target already carried out would be sent again and its second answer (404,
/// 409 "already archived") judged as the first, and a read would be resent without a record. Nothing in the
/// handler's settings turns this off, so every connection's stream is wrapped: the first connection an
/// attempt writes to is the attempt's, and a second one fails its first write before a byte leaves. The
/// attempt then ends as a transport error, which the suite records and retries itself where that is safe.
/// </summary>
public static class SingleSend
{
    private static readonly AsyncLocal<Attempt?> Current = new();

    /// <summary>Marks the calling flow's next request as one attempt; call in the method that sends it.</summary>
    public static Attempt Begin() => Current.Value = new Attempt();

    /// <summary>For <see cref="SocketsHttpHandler.PlaintextStreamFilter"/>: every connection, guarded.</summary>
    public static ValueTask<Stream> GuardConnection(SocketsHttpPlaintextStreamFilterContext context, CancellationToken ct) =>
        ValueTask.FromResult<Stream>(new GuardedStream(context.PlaintextStream));

    public sealed class Attempt
    {
        private object? connection;

        /// <summary>True when the stack tried to send this attempt again on another connection and was stopped.</summary>
        public bool ResendStopped { get; private set; }

        internal void Writing(GuardedStream stream)
        {
            var first = Interlocked.CompareExchange(ref connection, stream, null);
            if (first is not null && !ReferenceEquals(first, stream))
            {
                ResendStopped = true;
                throw new IOException("the connection ended before any answer, after the request was sent; the suite does not let the HTTP stack send it again");
            }
        }
    }

    /// <summary>A connection's stream that tells the current attempt which connection it writes to.</summary>
    internal sealed class GuardedStream(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count)
        {
            Current.Value?.Writing(this);
            inner.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Current.Value?.Writing(this);
            inner.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Current.Value?.Writing(this);
            return inner.WriteAsync(buffer, offset, count, cancellationToken);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Current.Value?.Writing(this);
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
