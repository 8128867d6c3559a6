using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using AnomaliesConformance.Runner.Reporting;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core;

namespace AnomaliesConformance.Runner;

/// <summary>
/// A vendor's server image as the target: started with Testcontainers on the host network (no port
/// mappings: the image listens on a loopback port the caller names), polled until it answers, and
/// disposed by the run. Its log is kept for the report when the run fails.
/// </summary>
public sealed class ContainerTarget : IAsyncDisposable
{
    private readonly IContainer container;

    private ContainerTarget(IContainer container, Uri url)
    {
        this.container = container;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<ContainerTarget> StartAsync(string image, int port, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        IContainer container;
        try
        {
            container = new ContainerBuilder(image)
                .WithEnvironment(environment.ToDictionary(e => e.Key, e => e.Value))
                // Docker's bridge addresses are not usable on these machines; the service listens on loopback.
                .WithCreateParameterModifier(parameters => parameters.HostConfig!.NetworkMode = "host")
                // Testcontainers' own console chatter would interleave with the run's progress lines.
                .WithLogger(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)
                .Build();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or DockerUnavailableException)
        {
            throw new SetupException($"--image {image}: cannot prepare the container: {e.Message}", e);
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await container.StartAsync(cts.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await container.DisposeAsync();
            throw new SetupException($"--image {image}: the container did not start: {e.Message}", e);
        }

        return new ContainerTarget(container, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>The container's output, for the report of a failed run.</summary>
    public async Task<string> LogsAsync()
    {
        try
        {
            var (stdout, stderr) = await container.GetLogsAsync();
            return $"{stdout}{stderr}";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"(container log unavailable: {e.Message})";
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await container.StopAsync();
        }
        finally
        {
            await container.DisposeAsync();
        }
    }
}
