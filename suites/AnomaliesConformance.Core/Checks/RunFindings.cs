using System.Collections.Concurrent;

namespace AnomaliesConformance.Core.Checks;

/// <summary>
/// A disputed behaviour the target showed, recorded without a verdict because neither the page nor the
/// target profile says what is expected (see `observation: true` rules in specs/rules.yaml).
/// </summary>
public sealed record Observation(string Rule, string Test, string Summary, string Observed);

/// <summary>One cell of the permission matrix: what the matrix expects for a role on an endpoint, and what the target did.</summary>
public sealed record PermissionCell(string Endpoint, string Role, string Expected, string Observed, int Status, string Test)
{
    public bool Matches => Expected == Observed;
}

/// <summary>A check that passed with a caveat worth reading (e.g. an undocumented response property).</summary>
public sealed record Warning(string Rule, string Test, string Message);

/// <summary>A check that could not be judged for lack of a fixture the target profile does not give.</summary>
public sealed record MissingFixture(string Test, string Missing);

/// <summary>What tests record beside their verdicts, for the report's own sections. Thread-safe: tests run in parallel.</summary>
public sealed class RunFindings
{
    private readonly ConcurrentQueue<Observation> observations = new();
    private readonly ConcurrentQueue<PermissionCell> permissionCells = new();
    private readonly ConcurrentQueue<Warning> warnings = new();
    private readonly ConcurrentQueue<MissingFixture> missing = new();
    private readonly ConcurrentQueue<RestoreCheck> restores = new();

    public IReadOnlyList<Observation> Observations => observations.ToList();
    public IReadOnlyList<PermissionCell> PermissionCells => permissionCells.ToList();
    public IReadOnlyList<Warning> Warnings => warnings.ToList();
    public IReadOnlyList<MissingFixture> MissingFixtures => missing.ToList();
    public IReadOnlyList<RestoreCheck> Restores => restores.ToList();

    public void RecordMissing(MissingFixture fixture) => missing.Enqueue(fixture);

    public void RecordRestore(RestoreCheck restore) => restores.Enqueue(restore);

    public void Observe(Observation observation) => observations.Enqueue(observation);

    public void RecordPermission(PermissionCell cell) => permissionCells.Enqueue(cell);

    public void Warn(Warning warning) => warnings.Enqueue(warning);
}
