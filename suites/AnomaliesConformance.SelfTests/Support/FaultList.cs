using System.Diagnostics;

namespace AnomaliesConformance.SelfTests.Support;

public sealed record Fault(string Name, string Rule);

/// <summary>The reference server's faults, read from its own --list-faults (one "NAME RULE-ID" line each).</summary>
public static class FaultList
{
    public static IReadOnlyList<Fault> Load()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Repository.ReferenceServerDll);
        start.ArgumentList.Add("--list-faults");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"--list-faults exited {process.ExitCode}: {process.StandardError.ReadToEnd()}");
        }

        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', 2, StringSplitOptions.TrimEntries))
            .Select(parts => new Fault(parts[0], parts.Length > 1 ? parts[1] : ""))
            .ToList();
    }
}
