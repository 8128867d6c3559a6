using System.Diagnostics;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core;

namespace AnomaliesConformance.Runner.Reporting;

/// <summary>
/// Progress while the suite runs. On a terminal: one line redrawn in place (checks done / total, failures
/// so far, current area), each failure printed above it as it happens. Otherwise (CI logs, pipes): plain
/// lines only, no control sequences: a progress line per finished tenth of the run and one per failure.
/// </summary>
public sealed class ConsoleProgress(TextWriter console, bool interactive, Func<IReadOnlyList<string>, string?> areaOf)
{
    // Redrawing more often than this only costs time; a terminal cannot show it anyway.
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);
    private const string ClearLine = "\r\u001b[2K";

    private readonly Lock gate = new();
    private readonly Stopwatch sinceRedraw = Stopwatch.StartNew();
    private int total;
    private int done;
    private int failed;
    private int lastTenth;
    private string area = "";

    public void Begin(int testCount)
    {
        lock (gate)
        {
            // A manifest run runs its checks in two phases, each announced here.
            total += testCount;
            if (interactive)
            {
                Redraw();
            }
        }
    }

    public void TestStarted(IReadOnlyList<string> rules)
    {
        lock (gate)
        {
            area = areaOf(rules) ?? area;
        }
    }

    public void TestFinished(string verdict, IReadOnlyList<string> rules, string name)
    {
        lock (gate)
        {
            done++;
            if (verdict is Verdicts.Failed or Verdicts.TargetError)
            {
                failed++;
                var line = $"  {verdict.ToUpperInvariant()} [{string.Join(",", rules)}] {name}";
                console.Write(interactive ? ClearLine + line + "\n" : line + "\n");
                if (interactive)
                {
                    Redraw();
                }
            }

            if (interactive)
            {
                if (sinceRedraw.Elapsed >= RedrawInterval || done == total)
                {
                    Redraw();
                }

                return;
            }

            var tenth = total == 0 ? 10 : done * 10 / total;
            if (tenth > lastTenth)
            {
                lastTenth = tenth;
                console.Write($"  progress: {done}/{total} checks, {failed} failing, area {area}\n");
            }
        }
    }

    public void End()
    {
        lock (gate)
        {
            if (interactive)
            {
                console.Write($"{ClearLine}  {done}/{total} checks done, {failed} failing\n");
            }

            console.Flush();
        }
    }

    private void Redraw()
    {
        sinceRedraw.Restart();
        console.Write($"{ClearLine}  {done}/{total} checks, {failed} failing, now: {area}");
        console.Flush();
    }
}
