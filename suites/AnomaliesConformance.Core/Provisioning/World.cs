namespace AnomaliesConformance.Core.Provisioning;

/// <summary>
/// What one test provisioned: its own datastore (so list queries scoped to it see only this test's data),
/// containers, anomalies, tags and integrations, with the ids the target assigned.
/// </summary>
public sealed class World
{
    public required string Prefix { get; init; }
    public required long DatastoreId { get; init; }
    public required IReadOnlyDictionary<string, long> Containers { get; init; }
    public required IReadOnlyDictionary<string, ProvisionedAnomaly> Anomalies { get; init; }
    public required IReadOnlyDictionary<string, long> Integrations { get; init; }
    public required IReadOnlyDictionary<string, AnomalySpec> Specs { get; init; }

    public ProvisionedAnomaly this[string key] => Anomalies.TryGetValue(key, out var a)
        ? a
        : throw new KeyNotFoundException($"the world has no anomaly '{key}'");

    /// <summary>The full, world-unique name of a short tag name used in the specs.</summary>
    public string Tag(string shortName) => $"{Prefix}-{shortName}";
}

public sealed record ProvisionedAnomaly(string Key, long Id, string Uuid);
