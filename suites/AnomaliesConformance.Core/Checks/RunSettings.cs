using AnomaliesConformance.Core.Http;

namespace AnomaliesConformance.Core.Checks;

/// <summary>Everything a run is given on its command line, validated.</summary>
public sealed record RunSettings
{
    public Uri? TargetUrl { get; init; }
    /// <summary>A server image to start with Testcontainers and check (host network, <see cref="ImagePort"/> on loopback).</summary>
    public string? Image { get; init; }
    public int ImagePort { get; init; } = 8080;
    public IReadOnlyDictionary<string, string> ImageEnvironment { get; init; } = new Dictionary<string, string>();
    public string? ProvisioningKey { get; init; }
    public IReadOnlyList<string> ReferenceFaults { get; init; } = [];
    public required string OutputDirectory { get; init; }
    /// <summary>When set, reports/latest is pointed at <see cref="OutputDirectory"/> after the run.</summary>
    public string? LatestLink { get; init; }
    public required int Seed { get; init; }
    /// <summary>
    /// Names everything this run provisions (and its teardown): the seed for readability plus a random part,
    /// so two runs with one seed against one target never share fixtures.
    /// </summary>
    public string RunId { get; init; } = $"cf{Random.Shared.Next():x}";
    /// <summary>Leave the provisioned fixtures on the target after the run (for debugging a failure).</summary>
    public bool KeepFixtures { get; init; }
    public IReadOnlyList<string> RuleFilter { get; init; } = [];
    public int Workers { get; init; } = 4;

    /// <summary>
    /// No --workers was given: the runner picks the parallelism from the round trip it measures (a distant
    /// target needs many requests in flight to finish in the time a near one does).
    /// </summary>
    public bool AdaptiveWorkers { get; init; }
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Retries of a GET after a 429 or 503 (0: none).</summary>
    public int MaxRetries { get; init; } = 3;
    /// <summary>Requests per second for the whole run, or null for no client-side limit.</summary>
    public int? RateLimitPerSecond { get; init; }
    public required string SpecsDirectory { get; init; }
    public string? ReferenceServerDll { get; init; }
    /// <summary>Declared answers for disputed behaviours, by rule `profile_key` (e.g. acknowledged_to_active=allowed).</summary>
    public IReadOnlyDictionary<string, string> Expectations { get; init; } = new Dictionary<string, string>();
    /// <summary>The target's own key names and envelopes where the page leaves them open (--representation, the profile's representation).</summary>
    public Representation Representation { get; init; } = Representation.Default;
    /// <summary>An anomaly (id or UUID) the run must leave untouched: read before and after, compared.</summary>
    public string? Canary { get; init; }
    /// <summary>The permission matrix the target is held to: a profile's, else the specs folder's permissions.yaml.</summary>
    public string? PermissionMatrixPath { get; init; }
    /// <summary>Existing users and anomalies to use instead of provisioning (a profile in manifest mode), or null.</summary>
    public Profiles.FixtureManifest? Manifest { get; init; }

    /// <summary>Run only tests with these full names or names (e.g. the one test a --replay re-runs).</summary>
    public IReadOnlyList<string> TestFilter { get; init; } = [];
    /// <summary>A waiver file (specs/waivers.md) applied when the report is built.</summary>
    public string? WaiversPath { get; init; }
    /// <summary>A finished run's results.json (or report folder) this run's verdicts are compared with, rule by rule (--baseline).</summary>
    public string? BaselinePath { get; init; }
    /// <summary>The exit code answers regressions against the baseline only, not conformance (--fail-on regressions).</summary>
    public bool FailOnRegressions { get; init; }
    /// <summary>Values that must never reach a report or the console, beside the tokens and keys the run learns itself (--secret-env, the profile's `secrets`).</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];
    /// <summary>The console is a terminal: one progress line redrawn in place. Otherwise plain lines, no control sequences.</summary>
    public bool InteractiveConsole { get; init; }
    /// <summary>Measure which reference server code the run exercised (coverlet + ReportGenerator); slower.</summary>
    public bool ServerCoverage { get; init; }


    /// <summary>Run only the checks whose effect is read; the others are listed as not run (--read-only).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>
    /// Prove every reference fault (or those of <see cref="ReferenceFaults"/>) fails its rule, against one
    /// embedded server that takes the fault per request (fault-matrix.json); the run itself is clean.
    /// </summary>
    public bool FaultMatrix { get; init; }

    /// <summary>Measure the suite (Runner's Bench) instead of judging a target.</summary>
    public bool Bench { get; init; }

    /// <summary>Run only this part of the checks (--shard i/n); null runs them all.</summary>
    public Shard? Shard { get; init; }

    /// <summary>Write a draft manifest profile here from what the target holds (Runner's Discover), instead of judging it.</summary>
    public string? DiscoverPath { get; init; }

    public RequestPolicy RequestPolicy => new() { Timeout = RequestTimeout, MaxRetries = MaxRetries, RateLimitPerSecond = RateLimitPerSecond, ReadOnly = ReadOnly };
    /// <summary>The OpenAPI document (YAML or JSON) the generated contract checks are built from.</summary>
    public string? SpecPath { get; init; }
    /// <summary>
    /// Path (relative to the target's base URL) of the target's own OpenAPI description (--spec-from-target):
    /// the contract checks are generated from it and its drift from <see cref="SpecsOpenApiPath"/> is reported.
    /// </summary>
    public string? SpecFromTarget { get; init; }
    /// <summary>A file the embedded reference server publishes as its OpenAPI description (--reference-openapi).</summary>
    public string? ReferenceOpenApiFile { get; init; }
    /// <summary>Undocumented response properties fail the schema checks instead of warning.</summary>
    public bool StrictSchema { get; init; }
    /// <summary>Random requests per operation in the property-based mode; 0 turns it off.</summary>
    public int FuzzRequests { get; init; }


    public string RulesPath => Path.Combine(SpecsDirectory, "rules.yaml");

    /// <summary>The document the contract checks come from unless the target's own replaces it (--spec-from-target).</summary>
    public string OpenApiPath => SpecPath ?? SpecsOpenApiPath;

    /// <summary>The specs' own description (never --spec): what a target's description is compared with.</summary>
    public string SpecsOpenApiPath => Path.Combine(SpecsDirectory, "anomalies.openapi.yaml");
}
