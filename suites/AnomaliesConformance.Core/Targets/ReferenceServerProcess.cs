using System.Diagnostics;
using System.Text;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core;

namespace AnomaliesConformance.Core.Targets;

/// <summary>
/// The embedded default target: the reference server started as a child process on a free loopback port
/// with a fresh database, so the suite always speaks real HTTP to a separate process.
/// </summary>
public sealed class ReferenceServerProcess : IAsyncDisposable
{
    private const string ListeningMarker = "REFERENCE-SERVER-LISTENING ";

    private readonly Process process;
    private readonly string dataDirectory;

    private ReferenceServerProcess(Process process, string dataDirectory, Uri url)
    {
        this.process = process;
        this.dataDirectory = dataDirectory;
        Url = url;
    }

    public Uri Url { get; }

    public static string LocateDll(string? configured)
    {
        if (configured is not null)
        {
            return File.Exists(configured) ? configured : throw new ConfigurationException($"--reference-server: {configured} does not exist");
        }

        var dll = RepositoryLayout.BuiltDll("AnomaliesConformance.ReferenceServer");
        return File.Exists(dll) ? dll : throw new SetupException($"the reference server is not built ({dll}); run ./run-conformance.sh, which builds it");
    }

    public static async Task<string> ListFaultsAsync(string dll)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--list-faults");
        using var process = Process.Start(start) ?? throw new SetupException("could not start dotnet");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new SetupException("the reference server could not list its faults: " + await process.StandardError.ReadToEndAsync());
    }

    public static async Task<ReferenceServerProcess> StartAsync(
        string dll, string? provisioningKey, IReadOnlyList<string> faults, TimeSpan timeout, string? databasePath = null, string? openApiFile = null)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("anomalies-reference-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { dll, "--urls", "http://127.0.0.1:0", "--db", databasePath ?? Path.Combine(dataDirectory, "reference.db") })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var fault in faults)
        {
            start.ArgumentList.Add("--fault");
            start.ArgumentList.Add(fault);
        }

        if (openApiFile is not null)
        {
            start.ArgumentList.Add("--openapi-file");
            start.ArgumentList.Add(openApiFile);
        }

        // The key goes through the environment, not the command line, so `ps` never shows it.
        if (provisioningKey is not null)
        {
            start.Environment["REFERENCE_PROVISIONING_KEY"] = provisioningKey;
        }
        var process = Process.Start(start) ?? throw new SetupException("could not start the reference server (dotnet)");
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (errors)
                {
                    errors.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(cts.Token);
                if (line is null)
                {
                    await process.WaitForExitAsync(CancellationToken.None);
                    string message;
                    lock (errors)
                    {
                        message = errors.ToString().Trim();
                    }

                    // The server exits 2 on a bad option or an unknown fault name: that is the caller's error.
                    if (process.ExitCode == 2)
                    {
                        throw new ConfigurationException(message);
                    }

                    throw new SetupException($"the reference server exited with code {process.ExitCode} before listening: {message}");
                }

                if (line.StartsWith(ListeningMarker, StringComparison.Ordinal))
                {
                    var url = new Uri(line[ListeningMarker.Length..].Trim().TrimEnd('/') + "/");
                    // Keep draining stdout so the child never blocks on a full pipe.
                    _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                    var server = new ReferenceServerProcess(process, dataDirectory, url);
                    return server;
                }
            }
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new SetupException($"the reference server did not start listening within {timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>
    /// Stops the server the way a service manager would (SIGTERM), so it shuts down and runs its exit
    /// handlers (an instrumented server writes its coverage hits then); killed if it has not exited in time.
    /// </summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
        {
            await (kill?.WaitForExitAsync() ?? Task.CompletedTask);
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless; never fail a run over it.
        }
    }
}
