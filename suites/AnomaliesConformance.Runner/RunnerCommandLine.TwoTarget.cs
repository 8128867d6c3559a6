using System.CommandLine;
using AnomaliesConformance.Core;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core.Profiles;

namespace AnomaliesConformance.Runner;

/// <summary>The options of a two-target run (--compare-target, <see cref="TwoTargetRun"/>) and the compared run's settings.</summary>
public sealed partial class RunnerCommandLine
{
    /// <summary>The value of --compare-target that names a second embedded reference server rather than a URL.</summary>
    public const string CompareReference = "reference";

    /// <summary>Where the compared target's provisioning key is read when no --compare-profile gives it.</summary>
    public const string CompareProvisioningKeyVariable = "ANOMALIES_COMPARE_PROVISIONING_KEY";

    internal readonly Option<string?> compareTarget = new("--compare-target")
    {
        HelpName = "URL|reference",
        Description = $"Also run the same checks with the same seed against this target (or '{CompareReference}': a second embedded reference server), into primary/ and compared/, and list every rule whose verdicts or answers (status, body shape) differ; exit 1 when a verdict differs. Its key: --compare-profile or {CompareProvisioningKeyVariable}",
    };

    internal readonly Option<string?> compareProfile = new("--compare-profile")
    {
        HelpName = "FILE",
        Description = "The compared target's own profile (specs/profile.md): URL, provisioning key, expectations, representation, canary, secrets, or a manifest",
    };

    internal readonly Option<string[]> compareReferenceFaults = new("--compare-reference-fault")
    {
        HelpName = "NAME[,NAME]",
        Description = $"The compared target is a second embedded reference server with these faults on (implies --compare-target {CompareReference})",
        AllowMultipleArgumentsPerToken = false,
    };

    private void AddTwoTargetOptions()
    {
        Root.Options.Add(compareTarget);
        Root.Options.Add(compareProfile);
        Root.Options.Add(compareReferenceFaults);
    }

    /// <summary>Both runs' settings from the command line's words (tests; Program parses once and calls the other overload).</summary>
    public (RunSettings Primary, RunSettings? Compared) TwoTargetSettings(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var parse = Root.Parse(args.ToArray());
        if (parse.Errors.Count > 0)
        {
            throw new ConfigurationException(string.Join("; ", parse.Errors.Select(e => e.Message)));
        }

        var primary = Settings(parse, null, environment, interactiveConsole: false);
        return (primary, ComparedSettings(parse, primary, environment));
    }

    /// <summary>
    /// The compared run's settings, or null without --compare-target (or --compare-reference-fault): the primary's,
    /// with the seed, filters and request policy kept, and the target, key, faults and what a profile says of a
    /// deployment (manifest, canary, expectations, representation, secrets) taken from the --compare-* options.
    /// Without --compare-profile the compared target is held to the primary's expectations and representation.
    /// A usage error is a <see cref="ConfigurationException"/> naming the option (exit 2).
    /// </summary>
    public RunSettings? ComparedSettings(ParseResult parse, RunSettings primary, Func<string, string?> environment)
    {
        var rawTarget = parse.GetValue(compareTarget);
        var faults = Split(parse.GetValue(compareReferenceFaults));
        var profilePath = parse.GetValue(compareProfile);
        if (rawTarget is null && faults.Count == 0)
        {
            if (profilePath is not null)
            {
                var named = TargetProfileLoader.Load(Path.GetFullPath(profilePath), environment);
                rawTarget = named.BaseUrl?.ToString() ?? throw new ConfigurationException($"--compare-profile: {named.Path} names no target.base_url; give --compare-target URL");
            }
            else
            {
                return null;
            }
        }

        if (parse.GetValue(bench) || parse.GetValue(faultMatrix) || parse.GetValue(replay) is not null || parse.GetValue(discover) is not null
            || parse.GetValue(sweep) is not null || parse.GetValue(baseline) is not null || parse.GetValue(serverCoverage))
        {
            throw new ConfigurationException("--compare-target runs the checks against two targets and compares them; it cannot be combined with --bench, --fault-matrix, --replay, --discover, --sweep, --baseline or --server-coverage");
        }

        var profile = profilePath is null ? null : TargetProfileLoader.Load(Path.GetFullPath(profilePath), environment);
        var reference = rawTarget is null || rawTarget == CompareReference;
        Uri? url = null;
        if (!reference)
        {
            if (!Uri.TryCreate(rawTarget!.TrimEnd('/') + "/", UriKind.Absolute, out url) || url.Scheme is not ("http" or "https"))
            {
                throw new ConfigurationException($"--compare-target: '{rawTarget}' is not an http(s) URL or '{CompareReference}'");
            }
        }
        else if (profile?.BaseUrl is { } profileUrl && rawTarget is null)
        {
            throw new ConfigurationException($"--compare-reference-fault applies to an embedded reference server, but --compare-profile {profile.Path} names {profileUrl}: give one");
        }

        if (!reference && faults.Count > 0)
        {
            throw new ConfigurationException($"--compare-reference-fault applies only to an embedded reference server (--compare-target {CompareReference}), not to {url}");
        }

        if (reference && profile?.Manifest is not null)
        {
            throw new ConfigurationException($"--compare-profile: {profile.Path} names anomalies of a deployment (fixtures.mode manifest); give its URL with --compare-target");
        }

        var key = reference ? null : profile?.ProvisioningKey ?? environment(CompareProvisioningKeyVariable);
        if (!reference && key is null && profile?.Manifest is null)
        {
            throw new ConfigurationException($"--compare-target {url} needs its provisioning key ({CompareProvisioningKeyVariable}, or the key of a --compare-profile) for the suite to provision its fixtures, or a --compare-profile in manifest mode naming existing ones");
        }

        // The command line's --expect and --representation hold for both targets; a compared profile's own replace the primary's.
        var expected = profile is null
            ? primary.Expectations
            : profile.Expectations.Concat(Pairs("--expect", parse.GetValue(expectations))).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        var representationDeclared = profile is null
            ? primary.Representation.Declared
            : profile.Representation.Concat(Pairs("--representation", parse.GetValue(representation)))
                .GroupBy(e => e.Key)
                .ToDictionary(g => g.Key, g => Representation.Problem(g.Key, g.Last().Value) is { } problem
                    ? throw new ConfigurationException($"--compare-profile: {problem}")
                    : g.Last().Value);
        return primary with
        {
            TargetUrl = url,
            Image = null,
            ProvisioningKey = key,
            ReferenceFaults = faults,
            ReferenceOpenApiFile = reference ? primary.ReferenceOpenApiFile : null,
            RunId = $"cf{Random.Shared.Next():x}",
            OutputDirectory = Path.Combine(primary.OutputDirectory, TwoTargetRun.ComparedFolder),
            LatestLink = null,
            Expectations = expected,
            Representation = primary.Representation with { Declared = representationDeclared },
            Manifest = profile?.Manifest,
            Canary = profile?.Canary,
            PermissionMatrixPath = profile is null ? primary.PermissionMatrixPath : profile.PermissionMatrixPath,
            Secrets = primary.Secrets.Concat(profile?.Secrets ?? []).Distinct().ToList(),
            RequestTimeout = parse.GetValue(timeout) is null && profile?.Timeout is { } profileTimeout ? profileTimeout : primary.RequestTimeout,
            RateLimitPerSecond = parse.GetValue(rateLimit) is null && profile?.RateLimitPerSecond is { } perSecond ? Math.Max(1, (int)perSecond) : primary.RateLimitPerSecond,
        };
    }
}
