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
    public required string SpecsDirectory { get; init; }
    public string? ReferenceServerDll { get; init; }
    /// <summary>The OpenAPI document (YAML or JSON) the generated contract checks are built from.</summary>
    public string? SpecPath { get; init; }
    /// <summary>Undocumented response properties fail the schema checks instead of warning.</summary>
    public bool StrictSchema { get; init; }
    /// <summary>Random requests per operation in the property-based mode; 0 turns it off.</summary>
    public int FuzzRequests { get; init; }

    public string RulesPath => Path.Combine(SpecsDirectory, "rules.yaml");

    public string OpenApiPath => SpecPath ?? Path.Combine(SpecsDirectory, "anomalies.openapi.yaml");
}
