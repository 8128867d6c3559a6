namespace AnomaliesConformance.Core.Provisioning;

/// <summary>What a test wants of one provisioned anomaly; unset fields are filled by the seeded faker.</summary>
public sealed record AnomalySpec
{
    public string Container { get; init; } = "main";
    public string? Type { get; init; }
    public string? Status { get; init; }
    public int? Weight { get; init; }
    public long? AnomalousRecordsCount { get; init; }
    /// <summary>Provision anomalous_records_count as null (the contract allows it) instead of a faked count.</summary>
    public bool AnomalousRecordsCountIsNull { get; init; }
    public string? Description { get; init; }
    public DateTimeOffset? Created { get; init; }
    public long? Fingerprint { get; init; }
    /// <summary>Short tag names; the world prefixes them to keep tests apart.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>Cast labels of the assignees.</summary>
    public IReadOnlyList<string> Assignees { get; init; } = [];
    public bool SoftDeleted { get; init; }
    public IReadOnlyList<FailedCheckSpec>? FailedChecks { get; init; }
    public SourceRecordsSpec? SourceRecords { get; init; }
    public IReadOnlyList<CommentSpec> Comments { get; init; } = [];

    /// <summary>
    /// The check reads its comments back (their texts, times and deletion) and relies on the anomaly for nothing
    /// else: on existing data an anomaly with as many visible comments at distinct times, and as many deleted
    /// ones, will do (what <see cref="Comments"/> provisions is then only the shape asked for).
    /// </summary>
    public bool CommentsReadBack { get; init; }
}

public sealed record FailedCheckSpec(long Id, string RuleType, string Message, IReadOnlyList<string> Fields);

public sealed record SourceRecordsSpec(
    IReadOnlyList<string> Fields,
    IReadOnlyList<string> MaskedFields,
    IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows);

public sealed record CommentSpec(string Author, string Text, DateTimeOffset Created, bool Deleted = false);
