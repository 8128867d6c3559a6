using System.CommandLine;
using System.Globalization;
using AnomaliesConformance.Core;
using AnomaliesConformance.Core.Running;

// The conformance runner: run-conformance.sh maps its flags straight onto these options.
var target = new Option<string?>("--target") { Description = "Base URL of a deployment to check (default: start the embedded reference server)" };
var provisioningKey = new Option<string?>("--provisioning-key") { Description = "Key of the target's provisioning extension (or env ANOMALIES_PROVISIONING_KEY)" };
var referenceFaults = new Option<string[]>("--reference-fault") { Description = "Run the embedded reference server with these named faults on (NAME[,NAME])", AllowMultipleArgumentsPerToken = false };
var listFaults = new Option<bool>("--list-faults") { Description = "Print one 'NAME RULE-ID' line per reference-server fault and exit" };
var output = new Option<string?>("--out") { Description = "Write the reports to this folder (default: reports/<timestamp>, linked from reports/latest)" };
var seed = new Option<int?>("--seed") { Description = "Seed of the fixture data (printed by every run)" };
var rules = new Option<string[]>("--rule") { Description = "Run only the tests of these rule ids (ID[,ID])" };
var workers = new Option<int>("--workers") { Description = "Tests run in parallel by this many workers", DefaultValueFactory = _ => 4 };
var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for any one answer of the target", DefaultValueFactory = _ => 30 };
var specs = new Option<string?>("--specs") { Description = "Folder holding rules.yaml and anomalies.openapi.yaml (default: the repository's specs/)" };
var referenceServer = new Option<string?>("--reference-server") { Description = "Path of the reference server dll (default: the repository's build output)" };
var spec = new Option<string?>("--spec") { Description = "OpenAPI document (YAML or JSON) the contract checks are generated from (default: specs/anomalies.openapi.yaml)" };
var strictSchema = new Option<bool>("--strict-schema") { Description = "Fail, instead of warn about, response properties the OpenAPI document does not describe" };
var fuzz = new Option<int>("--fuzz") { Description = "Also send N random valid and invalid requests per operation, generated from the schemas (0: off)", DefaultValueFactory = _ => 0 };

var root = new RootCommand("Checks an Anomalies API target against specs/rules.yaml and writes reports/latest/.")
{
    target, provisioningKey, referenceFaults, listFaults, output, seed, rules, workers, timeout, specs, referenceServer, spec, strictSchema, fuzz,
};

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine($"usage error: {error.Message}");
    }

    Console.Error.WriteLine("see --help");
    return ConformanceRunner.ExitUsage;
}

if (parse.Tokens.Any(t => t.Value is "--help" or "-h" or "-?"))
{
    return parse.Invoke();
}

try
{
    if (parse.GetValue(listFaults))
    {
        Console.Write(await ReferenceServerProcess.ListFaultsAsync(ReferenceServerProcess.LocateDll(parse.GetValue(referenceServer))));
        return 0;
    }

    var settings = Settings();
    return await ConformanceRunner.RunAsync(settings, typeof(Program).Assembly, Console.Out);
}
catch (ConfigurationException e)
{
    Console.Error.WriteLine($"configuration error: {e.Message}");
    return ConformanceRunner.ExitUsage;
}
catch (SetupException e)
{
    Console.Error.WriteLine($"target unreachable or setup failed: {e.Message}");
    return ConformanceRunner.ExitTargetUnreachable;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"setup failed: {e.Message}");
    return ConformanceRunner.ExitTargetUnreachable;
}

RunSettings Settings()
{
    Uri? targetUrl = null;
    if (parse.GetValue(target) is { } rawTarget)
    {
        if (!Uri.TryCreate(rawTarget.TrimEnd('/') + "/", UriKind.Absolute, out targetUrl) || targetUrl.Scheme is not ("http" or "https"))
        {
            throw new ConfigurationException($"--target: '{rawTarget}' is not an http(s) URL");
        }
    }

    // Without --target the key (if given) is the one the embedded reference server is started with.
    var key = parse.GetValue(provisioningKey) ?? Environment.GetEnvironmentVariable("ANOMALIES_PROVISIONING_KEY");
    if (targetUrl is not null && key is null)
    {
        throw new ConfigurationException("--target needs --provisioning-key (or ANOMALIES_PROVISIONING_KEY): the suite provisions its own fixtures");
    }

    var faults = Split(parse.GetValue(referenceFaults));
    if (targetUrl is not null && faults.Count > 0)
    {
        throw new ConfigurationException("--reference-fault applies only to the embedded reference server, not to --target");
    }

    if (parse.GetValue(workers) is < 1 or > 64)
    {
        throw new ConfigurationException("--workers: must be between 1 and 64");
    }

    if (parse.GetValue(timeout) is < 1 or > 3600)
    {
        throw new ConfigurationException("--timeout: must be between 1 and 3600 seconds");
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
        outputDirectory = Path.Combine(reports, DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture));
        latest = Path.Combine(reports, "latest");
    }

    return new RunSettings
    {
        TargetUrl = targetUrl,
        ProvisioningKey = key,
        ReferenceFaults = faults,
        OutputDirectory = outputDirectory,
        LatestLink = latest,
        Seed = parse.GetValue(seed) ?? Random.Shared.Next(1, int.MaxValue),
        RuleFilter = Split(parse.GetValue(rules)),
        Workers = parse.GetValue(workers),
        RequestTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
        SpecsDirectory = specsDirectory,
        ReferenceServerDll = parse.GetValue(referenceServer),
        SpecPath = parse.GetValue(spec) is { } specFile ? Path.GetFullPath(specFile) : null,
        StrictSchema = parse.GetValue(strictSchema),
        FuzzRequests = parse.GetValue(fuzz),
    };
}

static List<string> Split(string[]? values) =>
    (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
