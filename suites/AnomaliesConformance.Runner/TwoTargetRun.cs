using System.Reflection;
using AnomaliesConformance.Core;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Runner.Reporting;

namespace AnomaliesConformance.Runner;

/// <summary>
/// `--compare-target`: the whole conformance run twice in one invocation, with the same seed and settings, against
/// the primary target into primary/ and against the compared one into compared/, one after the other (two runs at
/// once would share the machine and make each other's timeouts), then the two compared rule by rule
/// (<see cref="TargetComparison"/>). Exit 0 when no rule's verdict differs, 1 when some do, 3 when either target
/// could not be reached or either run left data behind.
/// </summary>
public static class TwoTargetRun
{
    public const string PrimaryFolder = "primary";
    public const string ComparedFolder = "compared";

    public static async Task<int> RunAsync(RunSettings primary, RunSettings compared, Assembly suite, TextWriter console, Redactor redactor)
    {
        var folder = primary.OutputDirectory;
        await EnsureFaultsExistAsync(compared);
        Directory.CreateDirectory(folder);
        // Each run registers its own keys and tokens; the secrets of both are registered before either starts.
        foreach (var secret in primary.Secrets.Concat(compared.Secrets))
        {
            redactor.Register(secret, "<secret>");
        }

        console.WriteLine($"Two-target run, seed {primary.Seed}: the same checks against the primary target ({PrimaryFolder}/) and the compared one ({ComparedFolder}/)");
        var sides = new List<ComparedSide>();
        foreach (var (name, settings) in new[] { (PrimaryFolder, primary), (ComparedFolder, compared) })
        {
            console.WriteLine();
            console.WriteLine($"== {name} run ==");
            var run = settings with { OutputDirectory = Path.Combine(folder, name), LatestLink = null };
            var exit = await ConformanceRunner.RunAsync(run, suite, console, redactor);
            sides.Add(new ComparedSide(name, settings.TargetUrl?.ToString() ?? "", exit == ConformanceRunner.ExitConformant, run.ReferenceFaults, exit));
        }

        var comparison = TargetComparison.Of(sides[0], sides[1], folder, [primary.RunId, compared.RunId]);
        TargetComparisonWriters.Write(comparison, folder, redactor);
        if (primary.LatestLink is not null)
        {
            ConformanceRunner.PointLatestAt(primary.LatestLink, folder);
        }

        TargetComparisonWriters.WriteConsole(comparison, console, primary.LatestLink ?? folder);
        if (sides.Any(s => s.ExitCode == ConformanceRunner.ExitTargetUnreachable))
        {
            return ConformanceRunner.ExitTargetUnreachable;
        }

        return comparison.VerdictDifferences.Count > 0 ? ConformanceRunner.ExitNotConformant : ConformanceRunner.ExitConformant;
    }

    /// <summary>A fault name the server does not know would end the compared run only after the primary one: checked first.</summary>
    private static async Task EnsureFaultsExistAsync(RunSettings compared)
    {
        if (compared.ReferenceFaults.Count == 0)
        {
            return;
        }

        var known = (await ReferenceServerProcess.ListFaultsAsync(ReferenceServerProcess.LocateDll(compared.ReferenceServerDll)))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ')[0])
            .ToHashSet(StringComparer.Ordinal);
        if (compared.ReferenceFaults.FirstOrDefault(f => !known.Contains(f)) is { } unknown)
        {
            throw new ConfigurationException($"--compare-reference-fault: '{unknown}' is not a fault of the reference server (--list-faults lists them)");
        }
    }
}
