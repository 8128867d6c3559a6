using System.Diagnostics;
using System.Text;
using AnomaliesConformance.Runner.Reporting;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core;

namespace AnomaliesConformance.Runner;

/// <summary>
/// `--server-coverage`: which code of the reference server the run exercised. coverlet instruments a copy
/// of the server (tools/ServerCoverage, coverlet's MSBuild tasks, one MSBuild process from instrumentation
/// to result because the result task needs the instrumentation task's in-process state); the runner starts
/// the server from that copy, stops it gracefully after the tests so the hits are written, and
/// ReportGenerator turns the Cobertura XML into server-coverage/index.html of the run's report folder.
/// </summary>
public sealed class ServerCoverage : IAsyncDisposable
{
    private const string ServerAssembly = "AnomaliesConformance.ReferenceServer";

    private readonly Process msbuild;
    private readonly StringBuilder log;
    private readonly string work;

    private ServerCoverage(Process msbuild, StringBuilder log, string work, string instrumentedDll)
    {
        this.msbuild = msbuild;
        this.log = log;
        this.work = work;
        InstrumentedDll = instrumentedDll;
    }

    /// <summary>The instrumented copy of the reference server: start this one instead of the build output.</summary>
    public string InstrumentedDll { get; }

    private string SignalDirectory => Path.Combine(work, "signal");
    private string CoberturaPath => Path.Combine(work, "out", "coverage.cobertura.xml");

    public static async Task<ServerCoverage> InstrumentAsync(string serverDll, TimeSpan timeout)
    {
        var work = Directory.CreateTempSubdirectory("anomalies-server-coverage-").FullName;
        var bin = Path.Combine(work, "bin");
        CopyDirectory(Path.GetDirectoryName(Path.GetFullPath(serverDll))!, bin);
        Directory.CreateDirectory(Path.Combine(work, "signal"));
        var instrumented = Path.Combine(bin, Path.GetFileName(serverDll));
        var project = Path.Combine(RepositoryLayout.Root(), "tools", "ServerCoverage", "ServerCoverage.csproj");
        var (process, log) = Start("dotnet", [
            "msbuild", "-restore", project, "-t:MeasureServer", "-nologo", "-v:m",
            $"-p:TargetPath={instrumented}", "-p:IncludeTestAssembly=true", $"-p:Include=[{ServerAssembly}]*",
            $"-p:SignalDirectory={Path.Combine(work, "signal")}", $"-p:CoverletOutput={Path.Combine(work, "out")}/", "-p:CoverletOutputFormat=cobertura",
        ]);
        var coverage = new ServerCoverage(process, log, work, instrumented);
        var deadline = DateTime.UtcNow + timeout;
        while (!File.Exists(Path.Combine(coverage.SignalDirectory, "instrumented")))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await coverage.DisposeAsync();
                throw new SetupException($"--server-coverage: coverlet could not instrument the reference server: {Tail(log)}");
            }

            await Task.Delay(200);
        }

        return coverage;
    }

    /// <summary>
    /// After the instrumented server has exited: collects the hits and writes the HTML report into
    /// <paramref name="reportDirectory"/>/server-coverage. Answers ReportGenerator's one-line summary.
    /// </summary>
    public async Task<string> ReportAsync(string reportDirectory, TimeSpan timeout)
    {
        await File.WriteAllTextAsync(Path.Combine(SignalDirectory, "stopped"), "stopped");
        await WaitAsync(msbuild, timeout, log);

        if (msbuild.ExitCode != 0 || !File.Exists(CoberturaPath))
        {
            throw new SetupException($"--server-coverage: coverlet wrote no coverage result: {Tail(log)}");
        }

        var target = Path.Combine(reportDirectory, "server-coverage");
        var root = RepositoryLayout.Root();
        await RunToEndAsync("dotnet", ["tool", "restore"], root, timeout);
        await RunToEndAsync("dotnet", [
            "tool", "run", "reportgenerator", $"-reports:{CoberturaPath}", $"-targetdir:{target}", "-reporttypes:Html;TextSummary",
            "-title:Reference server code exercised by the conformance run", "-verbosity:Warning",
        ], root, timeout);
        File.Copy(CoberturaPath, Path.Combine(target, "coverage.cobertura.xml"), overwrite: true);
        var summary = await File.ReadAllLinesAsync(Path.Combine(target, "Summary.txt"));
        return string.Join(", ", summary.Select(l => l.Trim()).Where(l => l.StartsWith("Line coverage", StringComparison.Ordinal) || l.StartsWith("Branch coverage", StringComparison.Ordinal) || l.StartsWith("Method coverage", StringComparison.Ordinal)));
    }

    public async ValueTask DisposeAsync()
    {
        if (!msbuild.HasExited)
        {
            msbuild.Kill(entireProcessTree: true);
            await msbuild.WaitForExitAsync();
        }

        msbuild.Dispose();
        try
        {
            Directory.Delete(work, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless; never fail a run over it.
        }
    }

    private static (Process Process, StringBuilder Log) Start(string file, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory ?? "" };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var log = new StringBuilder();
        var process = Process.Start(start) ?? throw new SetupException($"could not start {file}");
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, log);
    }

    private static async Task RunToEndAsync(string file, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var (process, log) = Start(file, arguments, workingDirectory);
        using (process)
        {
            await WaitAsync(process, timeout, log);
            if (process.ExitCode != 0)
            {
                throw new SetupException($"--server-coverage: {file} {string.Join(' ', arguments.Take(3))} failed: {Tail(log)}");
            }
        }
    }

    private static async Task WaitAsync(Process process, TimeSpan timeout, StringBuilder log)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new SetupException($"--server-coverage: {process.StartInfo.FileName} {string.Join(' ', process.StartInfo.ArgumentList.Take(3))} did not finish within {timeout.TotalSeconds:0} s: {Tail(log)}");
        }
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }

    private static string Tail(StringBuilder log)
    {
        lock (log)
        {
            var text = log.ToString().Trim();
            return text.Length <= 2000 ? text : "…" + text[^2000..];
        }
    }

    private static void CopyDirectory(string source, string target)
    {
        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, directory)));
        }

        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)));
        }
    }
}
