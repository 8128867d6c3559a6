using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AnomaliesConformance.Core.Http;

/// <summary>
/// Keeps every exchange of the run: per test (for failure reports) and as one NDJSON stream for replay.
/// The test an exchange belongs to is the ambient NUnit test, or an explicit scope such as "run-setup".
/// </summary>
public sealed class ExchangeRecorder : IDisposable
{
    private static readonly AsyncLocal<string?> ScopeOverride = new();
    // Relaxed escaping keeps secrets as the redactor knows them (no \u002B for '+'), so the line's own
    // redaction pass can find any the exchange's redaction missed.
    private static readonly JsonSerializerOptions NdjsonOptions = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ConcurrentDictionary<string, ConcurrentQueue<Exchange>> byTest = new(StringComparer.Ordinal);
    private readonly StreamWriter? ndjson;
    private readonly Redactor? redactor;
    private readonly Lock ndjsonLock = new();
    private long sequence;

    public ExchangeRecorder(string? ndjsonPath, Redactor? redactor = null)
    {
        this.redactor = redactor;
        if (ndjsonPath is not null)
        {
            ndjson = new StreamWriter(ndjsonPath, append: false) { AutoFlush = false };
        }
    }

    /// <summary>Also told of every exchange as it is recorded (the run's ledger).</summary>
    public Action<Exchange>? Observer { get; set; }

    public static IDisposable Scope(string testId)
    {
        var previous = ScopeOverride.Value;
        ScopeOverride.Value = testId;
        return new ScopeRestorer(previous);
    }

    public static string CurrentTestId()
    {
        if (ScopeOverride.Value is { } scoped)
        {
            return scoped;
        }

        try
        {
            var test = NUnit.Framework.TestContext.CurrentContext.Test;
            return string.IsNullOrEmpty(test.FullName) ? "unscoped" : test.FullName;
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException)
        {
            return "unscoped";
        }
    }

    public long NextSequence() => Interlocked.Increment(ref sequence);

    /// <summary>The exchanges a finished run wrote to its exchanges.ndjson, in file order; none when it wrote no file.</summary>
    public static IReadOnlyList<Exchange> ReadNdjson(string path) => File.Exists(path)
        ? [.. File.ReadLines(path).Where(line => line.Length > 0).Select(line => JsonSerializer.Deserialize<Exchange>(line, NdjsonOptions)!)]
        : [];

    public void Record(Exchange exchange)
    {
        byTest.GetOrAdd(exchange.TestId, _ => new ConcurrentQueue<Exchange>()).Enqueue(exchange);
        Observer?.Invoke(exchange);
        if (ndjson is not null)
        {
            var line = JsonSerializer.Serialize(exchange, NdjsonOptions);
            line = redactor?.Redact(line) ?? line;
            lock (ndjsonLock)
            {
                ndjson.WriteLine(line);
            }
        }
    }

    public IReadOnlyList<Exchange> All() => byTest.Values.SelectMany(q => q).OrderBy(e => e.Sequence).ToList();

    public IReadOnlyList<Exchange> ForTest(string testId) =>
        byTest.TryGetValue(testId, out var queue) ? queue.OrderBy(e => e.Sequence).ToList() : [];

    /// <summary>Writes the exchanges so far to exchanges.ndjson, so the file is complete when the reports are written.</summary>
    public void Flush()
    {
        lock (ndjsonLock)
        {
            ndjson?.Flush();
        }
    }

    public void Dispose()
    {
        lock (ndjsonLock)
        {
            ndjson?.Flush();
            ndjson?.Dispose();
        }
    }

    private sealed class ScopeRestorer(string? previous) : IDisposable
    {
        public void Dispose() => ScopeOverride.Value = previous;
    }
}
