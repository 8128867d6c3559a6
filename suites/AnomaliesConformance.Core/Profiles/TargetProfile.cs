namespace AnomaliesConformance.Core.Profiles;

/// <summary>
/// What the suite needs to know about a deployment it did not start (specs/profile.md): where it is, how
/// to get fixtures, what to expect where sources disagree, and which values are secret.
/// </summary>
public sealed record TargetProfile
{
    public required string Path { get; init; }
    public Uri? BaseUrl { get; init; }
    public TimeSpan? Timeout { get; init; }
    public double? RateLimitPerSecond { get; init; }
    /// <summary>Where the deployment publishes its OpenAPI description (the default PATH of --spec-from-target).</summary>
    public string? OpenApiPath { get; init; }
    /// <summary>A permission matrix file (specs/permissions.yaml's format) the deployment follows instead of the page's.</summary>
    public string? PermissionMatrixPath { get; init; }
    public string? ProvisioningKey { get; init; }
    /// <summary>The fixtures of a deployment without the provisioning extension (fixtures.mode: manifest), or null.</summary>
    public FixtureManifest? Manifest { get; init; }
    public IReadOnlyDictionary<string, string> Expectations { get; init; } = new Dictionary<string, string>();
    /// <summary>The target's spelling of what the page leaves open (Checks.Representation's keys).</summary>
    public IReadOnlyDictionary<string, string> Representation { get; init; } = new Dictionary<string, string>();
    /// <summary>An anomaly (id or UUID) nobody may change: read before and after the run and compared.</summary>
    public string? Canary { get; init; }
    public IReadOnlyList<string> Secrets { get; init; } = [];
}
