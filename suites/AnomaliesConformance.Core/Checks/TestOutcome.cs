using AnomaliesConformance.Core.Http;

namespace AnomaliesConformance.Core.Checks;

/// <summary>The verdict of one test, with everything a report needs to explain it.</summary>
public sealed record TestOutcome
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Fixture { get; init; }
    public required IReadOnlyList<string> Rules { get; init; }
    /// <summary>The check's declared effect (read, reversible-write, destructive), or null if it declared none.</summary>
    public string? Effect { get; init; }
    public required string Verdict { get; init; }
    public string? Message { get; init; }
    public required double DurationSeconds { get; init; }
    public IReadOnlyList<Exchange> Exchanges { get; init; } = [];

    /// <summary>Requests the suite sent again after a 429 or 503 refusal or a lost answer to a read (each one is also an exchange).</summary>
    public int Retries => Exchanges.Count(e => e.IsRetry);

    /// <summary>Findings that do not fail the test (Assert.Warn), such as undocumented response properties.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

public static class Verdicts
{
    public const string Passed = "passed";
    public const string Failed = "failed";
    public const string Skipped = "skipped";
    public const string Inconclusive = "inconclusive";
    public const string Waived = "waived";
    public const string TargetError = "target-error";
}
