namespace AnomaliesConformance.Core.Profiles;

/// <summary>What a check may do with an anomaly of a manifest (specs/profile.md, manifest mode).</summary>
public enum FixturePurpose
{
    /// <summary>Only read; shared by every check that reads.</summary>
    ReadOnly,

    /// <summary>Reversible writes by one check at a time; its status, description, tags, assignees and ticket links are put back and verified after each check.</summary>
    Mutable,

    /// <summary>May be archived and hard-deleted; each is used by one check at most.</summary>
    Sacrificial,
}

/// <summary>A user of a deployment the run did not provision, under the cast label whose role and permission it holds.</summary>
/// <param name="Permissions">
/// The team permission declared per datastore id (null: none there); a datastore not named holds the label's
/// own. The page cannot tell them, so the run verifies what a read shows and plans only where they are the label's.
/// </param>
public sealed record ManifestUser(string Label, long? Id, string Token, IReadOnlyDictionary<long, string?>? Permissions = null);

/// <summary>
/// The fixtures of a deployment without the provisioning extension: its users by cast label (with tokens)
/// and the ids or UUIDs of existing anomalies by purpose. Checks that need anything else end inconclusive,
/// naming what is missing.
/// </summary>
public sealed record FixtureManifest
{
    public required IReadOnlyDictionary<string, ManifestUser> Users { get; init; }
    public IReadOnlyList<string> ReadOnly { get; init; } = [];
    public IReadOnlyList<string> Mutable { get; init; } = [];
    public IReadOnlyList<string> Sacrificial { get; init; } = [];

    /// <summary>Names in the target's tag catalogue that checks may put on the anomalies they write (and the run puts back).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Ticketing integrations checks may link tickets through, on the anomalies they write (links are removed after).</summary>
    public IReadOnlyList<long> Integrations { get; init; } = [];

    public IReadOnlyList<string> Of(FixturePurpose purpose) => purpose switch
    {
        FixturePurpose.ReadOnly => ReadOnly,
        FixturePurpose.Mutable => Mutable,
        _ => Sacrificial,
    };

    public static string Key(FixturePurpose purpose) => purpose switch
    {
        FixturePurpose.ReadOnly => "read_only",
        FixturePurpose.Mutable => "mutable",
        _ => "sacrificial",
    };
}
