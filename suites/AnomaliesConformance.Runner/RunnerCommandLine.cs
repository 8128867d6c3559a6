using System.CommandLine;
using System.Globalization;
using AnomaliesConformance.Core;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Profiles;
using AnomaliesConformance.Core.Specs;
using AnomaliesConformance.Runner.Reporting;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Runner;

namespace AnomaliesConformance.Runner;

/// <summary>
/// The runner's command line: its options (run-conformance.sh maps its flags straight onto them), and
/// <see cref="Settings"/>, the one function that turns a parsed command line into validated run settings.
/// </summary>
public sealed partial class RunnerCommandLine
{
    internal readonly Option<string?> target = new("--target") { Description = "Base URL of a deployment to check (default: start the embedded reference server)" };
    internal readonly Option<string?> provisioningKey = new("--provisioning-key") { Description = "Key of the target's provisioning extension (or env ANOMALIES_PROVISIONING_KEY)" };
    internal readonly Option<string[]> referenceFaults = new("--reference-fault") { Description = "Run the embedded reference server with these named faults on (NAME[,NAME])", AllowMultipleArgumentsPerToken = false };
    internal readonly Option<bool> listFaults = new("--list-faults") { Description = "Print one 'NAME RULE-ID' line per reference-server fault and exit" };
    internal readonly Option<string?> output = new("--out") { Description = "Write the reports to this folder (default: reports/<timestamp>, linked from reports/latest)" };
    internal readonly Option<int?> seed = new("--seed") { Description = "Seed of the fixture data (printed by every run)" };
    internal readonly Option<string[]> rules = new("--rule") { Description = "Run only the tests of these rule ids (ID[,ID])" };
    internal readonly Option<int> workers = new("--workers") { Description = "Tests run in parallel by this many workers", DefaultValueFactory = _ => 4 };
    internal readonly Option<int?> timeout = new("--timeout") { Description = "Seconds to wait for any one answer of the target (default 30, or the profile's)" };
    internal readonly Option<int> retries = new("--retries") { Description = "Times a GET is sent again after a 429 or 503 answer or a lost one (reset, timeout), with backoff honouring Retry-After (0: never); a write is never sent again", DefaultValueFactory = _ => 3 };
    internal readonly Option<int?> rateLimit = new("--rate-limit") { Description = "Send at most this many requests per second (all workers together); default: the profile's, else no limit" };
    internal readonly Option<bool> keepFixtures = new("--keep-fixtures") { Description = "Leave what the run provisioned on the target (default: tear it down and verify)" };
    internal readonly Option<string?> sweep = new("--sweep") { Description = "Remove what the run(s) of this ledger.ndjson left on the target, and verify; then exit" };
    internal readonly Option<string?> profile = new("--profile") { Description = "Target profile (YAML or JSON, specs/profile.md): URL, provisioning key, expectations, canary, secrets" };
    internal readonly Option<string?> specs = new("--specs") { Description = "Folder holding rules.yaml and anomalies.openapi.yaml (default: the repository's specs/)" };
    internal readonly Option<string[]> expectations = new("--expect") { Description = "Declare the expected answer of a disputed behaviour, KEY=VALUE (a rule's profile_key); without it such rules are observed, not judged" };
    internal readonly Option<string[]> representation = new("--representation") { Description = $"Declare how the target spells what the page leaves open, KEY=VALUE (keys: {string.Join(", ", Representation.Keys.Keys)}; specs/profile.md)" };
    internal readonly Option<string?> image = new("--image") { Description = "A server image to start with Testcontainers and check (host network)" };
    internal readonly Option<int> imagePort = new("--image-port") { Description = "The loopback port the image listens on", DefaultValueFactory = _ => 8080 };
    internal readonly Option<string[]> imageEnvironment = new("--image-env") { Description = "Environment of the image's container, K=V (repeatable)" };
    internal readonly Option<string[]> tests = new("--test") { Description = "Run only the tests with this full name or name (NAME[,NAME]); with --replay, which test to replay" };
    internal readonly Option<string?> waivers = new("--waivers") { Description = "Waiver file (YAML, see specs/waivers.md): failing rules it names are reported waived until the waiver expires" };
    internal readonly Option<string?> replay = new("--replay") { Description = "Re-run one test of an earlier run (its folder, results.json or exchanges.ndjson) with that run's seed and faults, and list old and new exchanges side by side" };
    internal readonly Option<string[]> secretEnv = new("--secret-env") { Description = "Names of environment variables whose values are secrets to redact from every report and the console (NAME[,NAME])" };
    internal readonly Option<bool> serverCoverage = new("--server-coverage") { Description = "Measure which reference server code the run exercised (coverlet + ReportGenerator, into server-coverage/); slower" };
    internal readonly Option<string?> referenceServer = new("--reference-server") { Description = "Path of the reference server dll (default: the repository's build output)" };
    internal readonly Option<string?> spec = new("--spec") { Description = "OpenAPI document (YAML or JSON) the contract checks are generated from (default: specs/anomalies.openapi.yaml)" };
    internal readonly Option<string?> specFromTarget = new("--spec-from-target")
    {
        Description = $"Generate the contract checks from the target's own OpenAPI description at this path of the target (default {TargetOpenApiDocument.DefaultPath}; fetched as the run's Admin, saved as target-openapi.json) and report its drift from specs/anomalies.openapi.yaml",
        Arity = ArgumentArity.ZeroOrOne,
        HelpName = "PATH",
    };
    internal readonly Option<string?> referenceOpenApi = new("--reference-openapi") { HelpName = "FILE", Description = "Have the embedded reference server publish this file as its OpenAPI description (GET /api/openapi.json) instead of specs/anomalies.openapi.yaml" };
    internal readonly Option<bool> strictSchema = new("--strict-schema") { Description = "Fail, instead of warn about, response properties the OpenAPI document does not describe" };
    internal readonly Option<bool> readOnly = new("--read-only") { Description = "Run only the checks that send nothing but GETs (effect read); the others are listed as not run" };
    internal readonly Option<bool> bench = new("--bench") { Description = "Measure the suite instead of judging a target: full runs against the embedded reference server directly, through 50 and 150 ms delay lines, with one worker, and holding 1,000 and 100,000 other anomalies; writes reports/bench/bench.json (ratios to the direct run)" };
    internal readonly Option<string?> discover = new("--discover") { HelpName = "FILE", Description = "Read the target as the profile's admin (GETs only) and write a draft manifest profile to FILE: existing anomalies proposed by purpose, each with why it qualifies; you add the tokens and review it" };
    internal readonly Option<bool> faultMatrix = new("--fault-matrix") { Description = "Prove each reference fault (or each --reference-fault) fails its rule, all on one embedded server that takes the fault per request; writes fault-matrix.json" };
    internal readonly Option<string?> baseline = new("--baseline") { HelpName = "RESULTS", Description = "Compare this run's verdicts rule by rule with a finished run's results.json (or report folder): new failures, fixed, still failing, newly inconclusive (README, \"Baselines\")" };
    // Recursive: the compare command takes it too.
    internal readonly Option<string> failOn = new("--fail-on")
    {
        HelpName = "must|regressions",
        Description = "What exit code 1 means: must (default) a MUST rule failed; regressions, with --baseline or compare, a rule failed that passed or was inconclusive in the baseline",
        DefaultValueFactory = _ => FailOnMust,
        Recursive = true,
    };
    internal readonly Argument<string> compareBaseline = new("BASELINE") { Description = "The earlier run's results.json or report folder" };
    internal readonly Argument<string> compareCurrent = new("CURRENT") { Description = "The later run's results.json or report folder" };
    internal readonly Command compare;
    internal readonly Argument<string> verifyCertificate = new("CERT") { Description = "A run's certificate.json" };
    internal readonly Argument<string> verifyResults = new("RESULTS") { Description = "The same run's results.json or report folder" };
    internal readonly Command verify;
    internal readonly Option<string?> shard = new("--shard") { HelpName = "i/n", Description = "Run only shard i of n of the checks (1 <= i <= n <= 64): a deterministic split that keeps the checks of one fixture together; merge DIR... combines the shards' reports" };
    internal readonly Argument<string[]> mergeShards = new("SHARD-DIR") { Description = "The report folders of every shard of one sharded run", Arity = ArgumentArity.OneOrMore };
    internal readonly Option<string?> mergeOutput = new("--out") { Description = "Write the merged reports to this folder (default: reports/<timestamp>)" };
    internal readonly Command merge;
    internal readonly Option<int> fuzz = new("--fuzz") { Description = "Also send N random valid and invalid requests per operation, generated from the schemas (0: off)", DefaultValueFactory = _ => 0 };


    public RootCommand Root { get; }

    public const string FailOnMust = "must";
    public const string FailOnRegressions = "regressions";

    public RunnerCommandLine()
    {
        Root = new RootCommand("Checks an Anomalies API target against specs/rules.yaml and writes reports/latest/.")
        {
            target, provisioningKey, referenceFaults, listFaults, output, seed, rules, workers, timeout, retries, rateLimit, specs, referenceServer, expectations, representation,
            image, imagePort, imageEnvironment, profile, keepFixtures, sweep, tests, waivers, replay, secretEnv, serverCoverage, spec, strictSchema, fuzz, readOnly,
            specFromTarget, referenceOpenApi, faultMatrix, bench, discover, baseline, failOn, shard,
        };
        // A validator of its own, so the error names the option (the built-in one does not).
        failOn.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && value is not (FailOnMust or FailOnRegressions))
            {
                result.AddError($"--fail-on: '{value}' is not {FailOnMust} or {FailOnRegressions}");
            }
        });
        compare = new Command("compare", "Compare two finished runs rule by rule (BASELINE then CURRENT) and exit as CURRENT would have with --baseline BASELINE")
        {
            compareBaseline, compareCurrent,
        };
        Root.Subcommands.Add(compare);
        verify = new Command("verify", "Recompute a run's certificate from its results.json and compare: exit 0 it matches, 1 a field differs (named), 2 a file cannot be read")
        {
            verifyCertificate, verifyResults,
        };
        Root.Subcommands.Add(verify);
        AddTwoTargetOptions();
        merge = new Command("merge", "Combine the report folders of every shard of one sharded run (--shard i/n) into one report set, judged as the unsharded run")
        {
            mergeShards, mergeOutput,
        };
        Root.Subcommands.Add(merge);
        // Program runs what the parse names; an action of its own keeps a run (no subcommand) a valid command line.
        Root.SetAction(_ => ConformanceRunner.ExitConformant);
    }

    /// <summary>The run's settings from the command line's words (a usage error is a <see cref="ConfigurationException"/> too).</summary>
    public RunSettings Settings(IReadOnlyList<string> args, Func<string, string?> environment, bool interactiveConsole = false)
    {
        var parse = Root.Parse(args.ToArray());
        if (parse.Errors.Count > 0)
        {
            throw new ConfigurationException(string.Join("; ", parse.Errors.Select(e => e.Message)));
        }

        var replayPlan = parse.GetValue(replay) is { } replayPath ? ReplayPlan.Load(replayPath, Split(parse.GetValue(tests)).SingleOrDefault()) : null;
        return Settings(parse, replayPlan, environment, interactiveConsole);
    }

    /// <summary>
    /// The run's settings from a parsed command line and the environment: every value and every rule between
    /// options is checked here, and a violation is a <see cref="ConfigurationException"/> naming the option
    /// (exit 2). Nothing but the profile and the files it names is read, so it is tested directly.
    /// </summary>
    public RunSettings Settings(ParseResult parse, ReplayPlan? replayPlan, Func<string, string?> environment, bool interactiveConsole)
    {
        var targetProfile = parse.GetValue(profile) is { } profilePath
            ? TargetProfileLoader.Load(Path.GetFullPath(profilePath), environment)
            : null;
        Uri? targetUrl = targetProfile?.BaseUrl;
        if (parse.GetValue(target) is { } rawTarget)
        {
            if (!Uri.TryCreate(rawTarget.TrimEnd('/') + "/", UriKind.Absolute, out targetUrl) || targetUrl.Scheme is not ("http" or "https"))
            {
                throw new ConfigurationException($"--target: '{rawTarget}' is not an http(s) URL");
            }
        }

        // Without --target the key (if given) is the one the embedded reference server is started with.
        var key = parse.GetValue(provisioningKey) ?? environment("ANOMALIES_PROVISIONING_KEY") ?? targetProfile?.ProvisioningKey;
        if (targetProfile is not null && targetUrl is null && parse.GetValue(image) is null)
        {
            throw new ConfigurationException($"{targetProfile.Path}: target.base_url is required unless --target or --image names the target");
        }
        var containerImage = parse.GetValue(image);
        if (targetUrl is not null && containerImage is not null)
        {
            throw new ConfigurationException("--target and --image name two targets: give one");
        }

        var external = targetUrl is not null ? "--target" : containerImage is not null ? "--image" : null;
        if (external is not null && key is null && targetProfile?.Manifest is null && parse.GetValue(sweep) is null)
        {
            throw new ConfigurationException($"{external} needs --provisioning-key (or ANOMALIES_PROVISIONING_KEY) for the suite to provision its own fixtures, or a --profile in manifest mode naming existing ones");
        }

        if (targetProfile?.Manifest is not null && external is null)
        {
            throw new ConfigurationException($"{targetProfile.Path}: fixtures.mode manifest names anomalies of a deployment; give its URL (target.base_url or --target)");
        }

        var faults = Split(parse.GetValue(referenceFaults));
        if (replayPlan is not null && external is null && faults.Count == 0)
        {
            // The recorded faults are part of what made the test fail on the embedded reference server.
            faults = replayPlan.Faults.ToList();
        }

        if (replayPlan is not null && parse.GetValue(seed) is not null)
        {
            throw new ConfigurationException("--replay uses the seed of the run it replays; leave out --seed");
        }

        if (parse.GetValue(discover) is not null && (targetProfile?.Manifest?.Users.ContainsKey("admin") != true || parse.GetValue(bench) || parse.GetValue(faultMatrix)))
        {
            throw new ConfigurationException("--discover reads the target as the admin of a --profile in manifest mode (fixtures.mode: manifest with users.admin); it cannot be combined with --bench or --fault-matrix");
        }

        if (parse.GetValue(bench) && (external is not null || targetProfile?.Manifest is not null || parse.GetValue(faultMatrix) || parse.GetValue(readOnly) || Split(parse.GetValue(referenceFaults)).Count > 0))
        {
            throw new ConfigurationException("--bench measures the suite against the embedded reference server, faithful and with fixtures of its own; it cannot be combined with --target, --image, a manifest, --fault-matrix, --read-only or --reference-fault");
        }

        // On a reference server that holds existing data (the staging self-test's), a manifest run proves that the
        // checks on existing data fail their rules: the server's provisioning key lets each request carry its fault.
        var faultMatrixOnExistingData = targetProfile?.Manifest is not null && key is not null && containerImage is null;
        if (parse.GetValue(faultMatrix) && ((external is not null && !faultMatrixOnExistingData) || parse.GetValue(readOnly) || parse.GetValue(serverCoverage)))
        {
            throw new ConfigurationException("--fault-matrix runs against the embedded reference server with fixtures of its own, or against a reference server holding existing data (a --profile in manifest mode plus that server's --provisioning-key); it cannot be combined with --image, --read-only or --server-coverage");
        }

        if (external is not null && faults.Count > 0)
        {
            throw new ConfigurationException($"--reference-fault applies only to the embedded reference server, not to {external}");
        }

        // Given without a value the option means the usual place; the value is a path of the target, not a URL.
        var targetOpenApi = parse.GetResult(specFromTarget) is null ? null : parse.GetValue(specFromTarget) ?? targetProfile?.OpenApiPath ?? TargetOpenApiDocument.DefaultPath;
        if (targetOpenApi is not null && parse.GetValue(spec) is not null)
        {
            throw new ConfigurationException("--spec and --spec-from-target both name the document the contract checks come from: give one");
        }

        if (targetOpenApi is not null && (targetOpenApi.Contains("://", StringComparison.Ordinal) || string.IsNullOrWhiteSpace(targetOpenApi)))
        {
            throw new ConfigurationException($"--spec-from-target: '{targetOpenApi}' is not a path of the target (e.g. {TargetOpenApiDocument.DefaultPath}); the target's URL is --target");
        }

        var referenceOpenApiFile = parse.GetValue(referenceOpenApi) is { } openApiFile ? Path.GetFullPath(openApiFile) : null;
        if (referenceOpenApiFile is not null && external is not null)
        {
            throw new ConfigurationException($"--reference-openapi applies only to the embedded reference server, not to {external}");
        }

        if (referenceOpenApiFile is not null && !File.Exists(referenceOpenApiFile))
        {
            throw new ConfigurationException($"--reference-openapi: {referenceOpenApiFile} does not exist");
        }

        var failOnRegressions = parse.GetValue(failOn) == FailOnRegressions;
        if (failOnRegressions && parse.GetValue(baseline) is null)
        {
            throw new ConfigurationException("--fail-on regressions needs --baseline RESULTS: a regression is a rule that fails now and did not in the baseline");
        }

        if (parse.GetValue(baseline) is not null && (parse.GetValue(bench) || parse.GetValue(faultMatrix) || replayPlan is not null))
        {
            throw new ConfigurationException("--baseline compares a run's verdicts; it cannot be combined with --bench, --fault-matrix or --replay");
        }

        var runShard = parse.GetValue(shard) is { } shardText ? Shard.Parse(shardText) : null;
        if (runShard is not null && (parse.GetValue(bench) || parse.GetValue(faultMatrix) || replayPlan is not null || parse.GetValue(discover) is not null))
        {
            throw new ConfigurationException("--shard splits a conformance run's checks; it cannot be combined with --bench, --fault-matrix, --replay or --discover");
        }

        if (parse.GetValue(imagePort) is < 1 or > 65535)
        {
            throw new ConfigurationException("--image-port: must be a TCP port (1 to 65535)");
        }

        if (parse.GetValue(workers) is < 1 or > ConformanceRunner.MaxWorkers)
        {
            throw new ConfigurationException($"--workers: must be between 1 and {ConformanceRunner.MaxWorkers}");
        }

        var requestTimeout = parse.GetValue(timeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : targetProfile?.Timeout ?? TimeSpan.FromSeconds(30);
        if (requestTimeout.TotalSeconds is < 1 or > 3600)
        {
            throw new ConfigurationException("--timeout: must be between 1 and 3600 seconds");
        }

        if (parse.GetValue(retries) is < 0 or > 10)
        {
            throw new ConfigurationException("--retries: must be between 0 and 10");
        }

        if (parse.GetValue(rateLimit) is < 1 or > 100_000)
        {
            throw new ConfigurationException("--rate-limit: must be between 1 and 100000 requests per second");
        }

        if (parse.GetValue(fuzz) is < 0 or > 10_000)
        {
            throw new ConfigurationException("--fuzz: must be between 0 and 10000 requests per operation");
        }

        var repository = parse.GetValue(specs) is null || parse.GetValue(output) is null ? RepositoryLayout.Root() : null;
        var specsDirectory = parse.GetValue(specs) ?? Path.Combine(repository!, "specs");
        if (!Directory.Exists(specsDirectory))
        {
            throw new ConfigurationException($"--specs: folder {specsDirectory} does not exist");
        }

        string outputDirectory;
        string? latest = null;
        if (parse.GetValue(output) is { } outDir)
        {
            outputDirectory = Path.GetFullPath(outDir);
        }
        else
        {
            var reports = Path.Combine(repository!, "reports");
            if (parse.GetValue(bench))
            {
                outputDirectory = Path.Combine(reports, "bench");
            }
            else
            {
                outputDirectory = Path.Combine(reports, DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture));
                latest = Path.Combine(reports, "latest");
            }
        }

        return new RunSettings
        {
            TargetUrl = targetUrl,
            ProvisioningKey = key,
            ReferenceFaults = faults,
            OutputDirectory = outputDirectory,
            LatestLink = latest,
            Seed = replayPlan?.Seed ?? parse.GetValue(seed) ?? Random.Shared.Next(1, int.MaxValue),
            RuleFilter = replayPlan is null ? Split(parse.GetValue(rules)) : [],
            TestFilter = replayPlan is null ? Split(parse.GetValue(tests)) : [replayPlan.TestId],
            WaiversPath = parse.GetValue(waivers),
            BaselinePath = parse.GetValue(baseline) is { } baselineFile ? Path.GetFullPath(baselineFile) : null,
            FailOnRegressions = failOnRegressions,
            Secrets = SecretsFromEnvironment(parse.GetValue(secretEnv), environment).Concat(targetProfile?.Secrets ?? []).ToList(),
            InteractiveConsole = interactiveConsole,
            ServerCoverage = parse.GetValue(serverCoverage),
            Workers = parse.GetValue(workers),
            AdaptiveWorkers = parse.GetResult(workers) is null || parse.GetResult(workers)!.Implicit,
            RequestTimeout = requestTimeout,
            MaxRetries = parse.GetValue(retries),
            // The profile's rate limit applies unless the command line gives one (fractions round down, at least 1).
            RateLimitPerSecond = parse.GetValue(rateLimit) ?? (targetProfile?.RateLimitPerSecond is { } perSecond ? Math.Max(1, (int)perSecond) : null),
            SpecsDirectory = specsDirectory,
            ReferenceServerDll = parse.GetValue(referenceServer),
            // Expectations given on the command line win over the profile's.
            Expectations = (targetProfile?.Expectations ?? new Dictionary<string, string>())
                .Concat(Pairs("--expect", parse.GetValue(expectations)))
                .GroupBy(e => e.Key)
                .ToDictionary(g => g.Key, g => g.Last().Value),
            Representation = new Representation
            {
                // Representation given on the command line wins over the profile's; each key and value is checked.
                Declared = (targetProfile?.Representation ?? new Dictionary<string, string>())
                    .Concat(Pairs("--representation", parse.GetValue(representation)))
                    .GroupBy(e => e.Key)
                    .ToDictionary(g => g.Key, g => Representation.Problem(g.Key, g.Last().Value) is { } problem
                        ? throw new ConfigurationException($"--representation: {problem}")
                        : g.Last().Value),
            },
            Canary = targetProfile?.Canary,
            Manifest = targetProfile?.Manifest,
            PermissionMatrixPath = targetProfile?.PermissionMatrixPath,
            KeepFixtures = parse.GetValue(keepFixtures),
            Image = containerImage,
            ImagePort = parse.GetValue(imagePort),
            // Environment values may hold commas, so --image-env is repeated rather than comma-joined.
            ImageEnvironment = Pairs("--image-env", parse.GetValue(imageEnvironment), splitCommas: false),
            SpecPath = parse.GetValue(spec) is { } specFile ? Path.GetFullPath(specFile) : null,
            SpecFromTarget = targetOpenApi,
            ReferenceOpenApiFile = referenceOpenApiFile,
            StrictSchema = parse.GetValue(strictSchema),
            FuzzRequests = parse.GetValue(fuzz),
            ReadOnly = parse.GetValue(readOnly),
            FaultMatrix = parse.GetValue(faultMatrix),
            Bench = parse.GetValue(bench),
            DiscoverPath = parse.GetValue(discover) is { } draft ? Path.GetFullPath(draft) : null,
            Shard = runShard,
        };
    }

    private static List<string> SecretsFromEnvironment(string[]? names, Func<string, string?> environment)
    {
        var secrets = new List<string>();
        foreach (var name in Split(names))
        {
            secrets.Add(environment(name) is { Length: > 0 } value
                ? value
                : throw new ConfigurationException($"--secret-env: environment variable {name} is not set"));
        }

        return secrets;
    }


    private static Dictionary<string, string> Pairs(string option, string[]? values, bool splitCommas = true)
    {
        var declared = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in splitCommas ? Split(values) : (values ?? []).ToList())
        {
            var parts = value.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                throw new ConfigurationException($"{option}: '{value}' is not KEY=VALUE");
            }

            declared[parts[0]] = parts[1];
        }

        return declared;
    }

    internal static List<string> Split(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
}
