using System.Text;

namespace AnomaliesConformance.Core.Http;

/// <summary>
/// A console writer that passes every line through the <see cref="Redactor"/> before it is printed.
/// Text is held until its line ends (or a carriage return redraws a progress line), so a secret is never
/// split across two writes and missed.
/// </summary>
public sealed class RedactingTextWriter(TextWriter inner, Redactor redactor) : TextWriter
{
    private readonly StringBuilder pending = new();
    private readonly Lock gate = new();

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        lock (gate)
        {
            pending.Append(value);
            if (value is '\n' or '\r')
            {
                FlushPending();
            }
        }
    }

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        lock (gate)
        {
            pending.Append(value);
            if (value.Contains('\n') || value.Contains('\r'))
            {
                FlushPending();
            }
        }
    }

    public override void WriteLine(string? value) => Write((value ?? "") + NewLine);

    public override void Flush()
    {
        lock (gate)
        {
            FlushPending();
            inner.Flush();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Flush();
        }

        base.Dispose(disposing);
    }

    private void FlushPending()
    {
        if (pending.Length == 0)
        {
            return;
        }

        inner.Write(redactor.Redact(pending.ToString()));
        pending.Clear();
        inner.Flush();
    }
}
