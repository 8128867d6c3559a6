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

// The conformance runner: parse, run (or sweep), and answer the documented exit code.
var commandLine = new RunnerCommandLine();
// Everything printed goes through the redactor the run registers its tokens with.
var redactor = new Redactor();
var stdout = new RedactingTextWriter(Console.Out, redactor);
var stderr = new RedactingTextWriter(Console.Error, redactor);

var parse = commandLine.Root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        stderr.WriteLine($"usage error: {error.Message}");
    }

    stderr.WriteLine("see --help");
    stderr.Flush();
    return ConformanceRunner.ExitUsage;
}

if (parse.Tokens.Any(t => t.Value is "--help" or "-h" or "-?"))
{
    return parse.Invoke();
}

try
{
    if (parse.CommandResult.Command == commandLine.compare)
    {
        return CompareRuns.Run(
            parse.GetValue(commandLine.compareBaseline)!,
            parse.GetValue(commandLine.compareCurrent)!,
            parse.GetValue(commandLine.failOn) == RunnerCommandLine.FailOnRegressions,
            stdout);
    }

    if (parse.CommandResult.Command == commandLine.verify)
    {
        return VerifyCertificate.Run(parse.GetValue(commandLine.verifyCertificate)!, parse.GetValue(commandLine.verifyResults)!, stdout);
    }

    if (parse.CommandResult.Command == commandLine.merge)
    {
        if (parse.GetValue(commandLine.failOn) == RunnerCommandLine.FailOnRegressions)
        {
            throw new ConfigurationException("--fail-on regressions needs a baseline; merge exits as the unsharded run would (compare the merged report with a baseline afterwards)");
        }

        return ShardMerge.Run(parse.GetValue(commandLine.mergeShards)!, parse.GetValue(commandLine.mergeOutput), stdout);
    }

    if (parse.GetValue(commandLine.listFaults))
    {
        Console.Write(await ReferenceServerProcess.ListFaultsAsync(ReferenceServerProcess.LocateDll(parse.GetValue(commandLine.referenceServer))));
        return 0;
    }

    var replayPlan = parse.GetValue(commandLine.replay) is { } replayPath ? ReplayPlan.Load(replayPath, RunnerCommandLine.Split(parse.GetValue(commandLine.tests)).SingleOrDefault()) : null;
    var settings = commandLine.Settings(parse, replayPlan, Environment.GetEnvironmentVariable, IsTerminal());
    var comparedSettings = commandLine.ComparedSettings(parse, settings, Environment.GetEnvironmentVariable);
    if (parse.GetValue(commandLine.sweep) is { } ledger)
    {
        return await Sweeper.RunAsync(
            Path.GetFullPath(ledger),
            parse.GetValue(commandLine.target) is null ? null : settings.TargetUrl,
            settings.ProvisioningKey,
            settings.Manifest?.Users.GetValueOrDefault("admin")?.Token,
            settings.RequestTimeout,
            stdout);
    }

    if (settings.DiscoverPath is not null)
    {
        return await Discover.RunAsync(settings, stdout, redactor);
    }

    if (settings.Bench)
    {
        return await Bench.RunAsync(settings, typeof(AnomaliesConformance.Suite.Support.ConformanceTest).Assembly, stdout);
    }

    if (comparedSettings is not null)
    {
        return await TwoTargetRun.RunAsync(settings, comparedSettings, typeof(AnomaliesConformance.Suite.Support.ConformanceTest).Assembly, stdout, redactor);
    }

    var exitCode = await ConformanceRunner.RunAsync(settings, typeof(AnomaliesConformance.Suite.Support.ConformanceTest).Assembly, stdout, redactor);
    replayPlan?.WriteComparison(settings.OutputDirectory, stdout);
    return exitCode;
}
catch (ConfigurationException e)
{
    stderr.WriteLine($"configuration error: {e.Message}");
    return ConformanceRunner.ExitUsage;
}
catch (SetupException e)
{
    stderr.WriteLine($"target unreachable or setup failed: {e.Message}");
    return ConformanceRunner.ExitTargetUnreachable;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    stderr.WriteLine($"setup failed: {e.Message}");
    return ConformanceRunner.ExitTargetUnreachable;
}
finally
{
    stdout.Flush();
    stderr.Flush();
}

// A progress line redrawn in place only on a terminal; CI logs and pipes get plain lines without control sequences.
static bool IsTerminal() =>
    !Console.IsOutputRedirected
    && Environment.GetEnvironmentVariable("TERM") is { Length: > 0 } term && term != "dumb"
    && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
