using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Core.Provisioning;

/// <summary>
/// What one test provisioned: its own datastore (so list queries scoped to it see only this test's data),
/// containers, anomalies, tags and integrations, with the ids the target assigned. In manifest mode the
/// anomalies are existing ones and the datastore is shared with other data: reading <see cref="DatastoreId"/>
/// or <see cref="Containers"/>, which a check uses to scope a list to its own data, then ends the check
/// inconclusive instead of letting strangers into a list it takes as its own.
/// </summary>
public sealed class World
{
    private readonly long datastoreId;
    private readonly IReadOnlyDictionary<string, long> containers = new Dictionary<string, long>();

    public required string Prefix { get; init; }

    public required long DatastoreId
    {
        get
        {
            RequireOwnDatastore();
            return datastoreId;
        }

        init => datastoreId = value;
    }

    public required IReadOnlyDictionary<string, long> Containers
    {
        get
        {
            RequireOwnDatastore();
            return containers;
        }

        init => containers = value;
    }

    public required IReadOnlyDictionary<string, ProvisionedAnomaly> Anomalies { get; init; }
    public required IReadOnlyDictionary<string, long> Integrations { get; init; }
    public required IReadOnlyDictionary<string, AnomalySpec> Specs { get; init; }

    /// <summary>
    /// Null for a provisioned world; for existing anomalies, what a check that scopes a list to the world's
    /// datastore lacks (the datastore holds other anomalies too).
    /// </summary>
    public string? SharedDatastore { get; init; }

    /// <summary>The datastore of each anomaly, by key, where the world's datastore is shared (existing anomalies may span several).</summary>
    public IReadOnlyDictionary<string, long>? DatastoresOf { get; init; }

    /// <summary>
    /// True when the world is made of a deployment's existing anomalies: what its spec chose only shaped a
    /// provisioned world, and a check that reads back what it relies on derives its expectations from that.
    /// </summary>
    public bool IsExisting => DatastoresOf is not null;

    /// <summary>
    /// The datastores a list is scoped to by a check that judges every item it lists, whoever made it (a
    /// property every anomaly has): the world's own when provisioned; on existing data, those its anomalies are
    /// in, shared with others. A check that expects only its own anomalies in a list must not use it.
    /// </summary>
    public IReadOnlyList<long> Datastores => DatastoresOf is { } shared ? [.. shared.Values.Distinct().Order()] : [datastoreId];

    /// <summary>Full tag names by short name, where they are not derived from <see cref="Prefix"/> (existing tags of a manifest).</summary>
    public IReadOnlyDictionary<string, string>? TagNames { get; init; }

    public ProvisionedAnomaly this[string key] => Anomalies.TryGetValue(key, out var a)
        ? a
        : throw new KeyNotFoundException($"the world has no anomaly '{key}'");

    /// <summary>
    /// The full name of a short tag name used in the specs: world-unique when provisioned, or the existing tag it
    /// was mapped to. A name the world never asked for is one nobody created (a check's unknown tag).
    /// </summary>
    public string Tag(string shortName) =>
        TagNames is not null && TagNames.TryGetValue(shortName, out var name) ? name : $"{Prefix}-{shortName}";

    private void RequireOwnDatastore()
    {
        if (SharedDatastore is { } lacking)
        {
            ConformanceRun.Current.Missing(lacking);
        }
    }
}

public sealed record ProvisionedAnomaly(string Key, long Id, string Uuid);
