namespace AnomaliesConformance.Core.Checks;

/// <summary>
/// Declares that a fixture class's checks share a run-wide fixture (<see cref="ConformanceRun.SharedAsync{T}"/>
/// under <see cref="Scope"/>) with other classes: --shard keeps every class naming the same scope in one shard,
/// so the fixture is set up once per shard and the shards split no shared world. Inherited by subclasses.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class SharedFixtureAttribute(string scope) : Attribute
{
    public string Scope { get; } = scope;
}
