using AnomaliesConformance.Core.Http;

namespace AnomaliesConformance.Core.Running;

/// <summary>Everything a run is given on its command line, validated.</summary>
public sealed record RunSettings
{
    public Uri? TargetUrl { get; init; }
    public string? ProvisioningKey { get; init; }
    public IReadOnlyList<string> ReferenceFaults { get; init; } = [];
    public required string OutputDirectory { get; init; }
    /// <summary>When set, reports/latest is pointed at <see cref="OutputDirectory"/> after the run.</summary>
    public string? LatestLink { get; init; }
    public required int Seed { get; init; }
    public IReadOnlyList<string> RuleFilter { get; init; } = [];
    public int Workers { get; init; } = 4;
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Retries of a GET after a 429 or 503 (0: none).</summary>
    public int MaxRetries { get; init; } = 3;
    /// <summary>Requests per second for the whole run, or null for no client-side limit.</summary>
    public int? RateLimitPerSecond { get; init; }
    public required string SpecsDirectory { get; init; }
    public string? ReferenceServerDll { get; init; }
    /// <summary>Declared answers for disputed behaviours, by rule `profile_key` (e.g. acknowledged_to_active=allowed).</summary>
    public IReadOnlyDictionary<string, string> Expectations { get; init; } = new Dictionary<string, string>();

    public string RulesPath => Path.Combine(SpecsDirectory, "rules.yaml");

    public RequestPolicy RequestPolicy => new() { Timeout = RequestTimeout, MaxRetries = MaxRetries, RateLimitPerSecond = RateLimitPerSecond };
}
