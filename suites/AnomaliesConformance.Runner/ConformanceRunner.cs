using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using AnomaliesConformance.Core.Catalogue;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Core.Specs;
using AnomaliesConformance.Runner.Reporting;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core;

namespace AnomaliesConformance.Runner;

/// <summary>
/// One conformance run end to end: start (or reach) the target, provision the cast, run the tests,
/// write the reports, and answer the documented exit code.
/// </summary>
public static class ConformanceRunner
{
    public const int ExitConformant = 0;
    public const int ExitNotConformant = 1;
    public const int ExitUsage = 2;
    public const int ExitTargetUnreachable = 3;

    internal const string SetupScope = "run-setup";

    /// <param name="redactor">Shared with the caller's console and error writers, so tokens the run learns are redacted there too.</param>
    public static async Task<int> RunAsync(RunSettings settings, Assembly suite, TextWriter console, Redactor? redactor = null)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        redactor ??= new Redactor();
        foreach (var secret in settings.Secrets)
        {
            redactor.Register(secret, "<secret>");
        }

        var catalogue = RuleCatalogue.Load(settings.RulesPath);
        // With --spec-from-target this is the specs' own description until the target's replaces it below.
        var contract = OpenApiContract.Load(settings.OpenApiPath);
        var waivers = settings.WaiversPath is null ? [] : WaiverFile.Load(settings.WaiversPath, catalogue);
        // Read before anything starts, so a wrong baseline is a usage error, not a wasted run.
        var baseline = settings.BaselinePath is null ? null : RecordedRun.Load(settings.BaselinePath, "--baseline");
        baseline?.EnsureSameCatalogue(catalogue.Rules.Select(r => r.Id), "--baseline", settings.RulesPath);
        Directory.CreateDirectory(settings.OutputDirectory);

        var provisioningKey = settings.ProvisioningKey ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        redactor.Register(provisioningKey, "<provisioning-key>");
        console.WriteLine($"Anomalies API conformance run, seed {settings.Seed} (rerun with --seed {settings.Seed})");

        // 1. The target: started (the embedded reference server, or a vendor's image) or reached, and answering.
        if (settings.ServerCoverage && (settings.TargetUrl is not null || settings.Image is not null))
        {
            throw new ConfigurationException("--server-coverage measures the embedded reference server; it cannot be combined with --target or --image");
        }

        await using var coverage = settings.ServerCoverage
            ? await ServerCoverage.InstrumentAsync(ReferenceServerProcess.LocateDll(settings.ReferenceServerDll), TimeSpan.FromMinutes(3))
            : null;
        await using var container = settings.Image is null
            ? null
            : await StartContainerAsync(settings, console);
        await using var server = settings.TargetUrl is null && container is null
            ? await StartReferenceServerAsync(settings, coverage?.InstrumentedDll, provisioningKey, console)
            : null;
        var target = settings.TargetUrl ?? container?.Url ?? server!.Url;
        console.WriteLine($"Target: {target}");

        using var recorder = new ExchangeRecorder(Path.Combine(settings.OutputDirectory, "exchanges.ndjson"), redactor);
        using var api = new ApiClient(target, recorder, redactor, settings.RequestPolicy)
        {
            // The fault matrix's clean pass is its probe: each request names its check.
            FaultRouting = settings.FaultMatrix ? new ReferenceFaultRouting(provisioningKey, null, Probe: true) : null,
        };
        using var ledger = new RunLedger(Path.Combine(settings.OutputDirectory, "ledger.ndjson"), settings.RunId, target);
        recorder.Observer = ledger.Observe;
        await WaitUntilAnsweringAsync(api, settings, container, redactor, console);
        // The round trip is measured while the fixtures are provided: on a distant target every step of the
        // run's set-up that waits for another costs a round trip.
        var choosingWorkers = ChooseWorkersAsync(settings, api, console);

        // 2. The fixtures: the run's own cast, or the profile's manifest of existing anomalies.
        var provisioning = new ProvisioningClient(api, provisioningKey);
        var providing = ProvideFixturesAsync(settings, api, provisioning, ledger, redactor, console);
        await Task.WhenAll(providing, choosingWorkers);
        var fixtures = await providing;
        settings = await choosingWorkers;

        // 3. The contract the generated checks read: the specs' own, or the target's description.
        SpecDriftReport? drift = null;
        var contractPath = settings.OpenApiPath;
        if (settings.SpecFromTarget is { } documentPath)
        {
            var fetched = await FetchTargetOpenApiAsync(api, fixtures.Cast, documentPath, settings, provisioning, ledger, redactor, console, tearDownOnFailure: fixtures.Provisioned);
            drift = new SpecDriftReport(fetched.Url, fetched.SavedAs, settings.SpecsOpenApiPath, SpecDrift.Compare(fetched.Document, contract));
            contract = fetched.Document;
            contractPath = Path.Combine(settings.OutputDirectory, fetched.SavedAs);
        }

        // 4. The checks, with the canary read around them (as the run's Admin, which needs the cast).
        var canaryBefore = settings.Canary is null || fixtures.ProvisioningUnavailable is not null
            ? null
            : await ReadCanaryAsync(api, fixtures.Cast["admin"], settings.Canary, before: true);
        var run = new ConformanceRun(settings, api, recorder, redactor, catalogue, provisioning, fixtures.Cast)
        {
            Contract = contract,
            ProvisioningUnavailable = fixtures.ProvisioningUnavailable,
            Manifest = fixtures.Manifest,
            Findings = fixtures.Findings,
        };
        var (outcomes, shardPlan) = await RunChecksAsync(run, suite, provisioningKey, console);
        var (judged, secondChanceCleanup) = await SecondChance.RunAsync(run, suite, outcomes, ledger, console);
        outcomes = judged;
        CanaryCheck? canary = null;
        if (settings.Canary is not null && canaryBefore is not null)
        {
            var canaryAfter = await ReadCanaryAsync(api, fixtures.Cast["admin"], settings.Canary, before: false);
            canary = new CanaryCheck(settings.Canary, canaryBefore == canaryAfter);
        }

        // 5. Leaving the target as it was: the run's fixtures torn down, the manifest's anomalies restored.
        var cleanup = settings.KeepFixtures || !fixtures.Provisioned ? null : await TearDownAsync(provisioning, ledger, settings.RunId, console);
        if (secondChanceCleanup is { Verified: false })
        {
            cleanup = secondChanceCleanup;
        }

        var unrestored = ReportRestoresAndMissingFixtures(fixtures, outcomes, console);
        recorder.Flush();
        if (coverage is not null)
        {
            await server!.StopAsync(TimeSpan.FromSeconds(30));
            console.WriteLine($"Server code coverage: {await coverage.ReportAsync(settings.OutputDirectory, TimeSpan.FromMinutes(3))}");
        }

        // 6. The reports, and the exit code.
        var report = RunReport.Build(
            catalogue,
            outcomes,
            redactor.Redact(target.ToString()),
            settings.Seed,
            started,
            clock.Elapsed,
            settings.FaultMatrix ? [] : settings.ReferenceFaults,
            contract.Info.Version,
            run.Findings,
            waivers,
            settings.RequestPolicy,
            recorder.ForTest(SetupScope).Count(e => e.IsRetry));
        report = shardPlan?.Annotate(report, settings) ?? report;
        report = report with { Canary = canary, Cleanup = cleanup, SpecDrift = drift, RequestsSent = recorder.All().Count };
        report = report with { Baseline = baseline is null ? null : BaselineComparison.Of(baseline, report) };
        if (container is not null && !report.Conformant)
        {
            // A failing vendor image's own account of the run belongs next to the report.
            await File.WriteAllTextAsync(Path.Combine(settings.OutputDirectory, "container.log"), redactor.Redact(await container.LogsAsync()));
        }

        WriteSpecCoverage(SpecCoverage.Measure(contractPath, contract, recorder.All(), target), settings.OutputDirectory, console);
        report = report with { Certification = CertificationBasis.Decide(report, settings, contractPath) };
        WriteReports(report, settings, console, redactor);
        Certificate.WriteOrExplain(report.Certification, settings.OutputDirectory, redactor, console);
        return ExitCode(report, settings, unrestored.Count > 0, console);
    }

    /// <summary>What the checks act on: the cast (provisioned, or the manifest's users), the manifest's anomalies, or why there is nothing.</summary>
    private sealed record Fixtures(IReadOnlyDictionary<string, Actor> Cast, ManifestFixtures? Manifest, string? ProvisioningUnavailable, RunFindings Findings)
    {
        /// <summary>The run provisioned its own fixtures, so it tears them down.</summary>
        public bool Provisioned => ProvisioningUnavailable is null && Manifest is null;
    }

    private static async Task<Fixtures> ProvideFixturesAsync(RunSettings settings, ApiClient api, ProvisioningClient provisioning, RunLedger ledger, Redactor redactor, TextWriter console)
    {
        var findings = new RunFindings();
        using var scope = ExchangeRecorder.Scope(SetupScope);
        if (settings.Manifest is not null)
        {
            var users = CastOf(settings.Manifest, redactor);
            ManifestFixtures manifest;
            try
            {
                manifest = await ManifestFixtures.ResolveAsync(settings.Manifest, api, users["admin"], ledger, findings);
            }
            catch (TargetErrorException e)
            {
                throw new SetupException("reading the manifest's anomalies failed: " + e.Message, e);
            }

            foreach (var problem in await ManifestPermissions.VerifyAsync(settings.Manifest, manifest, users, api))
            {
                console.WriteLine("SETUP PROBLEM (not a rule failure): " + problem);
                findings.Warn(new Warning("SETUP", "run-setup", "setup problem: " + problem));
            }

            if (manifest.LeftOut.Count > 0)
            {
                console.WriteLine($"No check is given anomalies of datastore(s) {string.Join(", ", manifest.LeftOut.Order())}: the target contradicted a declared permission there");
            }

            foreach (var (datastore, declared) in manifest.Regranted.OrderBy(r => r.Key))
            {
                console.WriteLine($"Datastore {datastore} serves only checks that grant {string.Join(" and ", declared.Select(d => $"{d.Key} {d.Value ?? "no team permission"}"))} (declared there)");
            }

            console.WriteLine($"Fixtures: the profile's manifest ({manifest.ReadOnly.Count} read-only, {manifest.Mutable.Count} mutable, {manifest.SacrificialTraits.Count} sacrificial anomalies; users {string.Join(", ", users.Keys)})");
            return new Fixtures(users, manifest, null, findings);
        }

        try
        {
            return new Fixtures(await CastProvisioner.ProvisionAsync(provisioning, redactor, settings.RunId), null, null, findings);
        }
        catch (TargetErrorException e) when (e.Exchange?.Status == 404)
        {
            // No provisioning extension (a mock, or a deployment without it): run what needs no fixtures.
            const string unavailable = "the target has no provisioning extension (POST /api/_provisioning/batch answered 404)";
            console.WriteLine($"Provisioning unavailable: {unavailable}; checks that need fixtures end inconclusive");
            return new Fixtures(new Dictionary<string, Actor>(), null, unavailable, findings);
        }
        catch (TargetErrorException e)
        {
            throw new SetupException("provisioning the run's users failed: " + e.Message, e);
        }
    }

    /// <summary>
    /// The checks of a manifest run (or only <paramref name="onlyTests"/> of them). A deployment's lists hold other
    /// people's data and the manifest's anomalies: the reading checks run first and alone, so no archive, hard
    /// delete or arranged status moves what they walk and filter. Reading checks whose anomalies must be arranged
    /// by writes run again with the writing checks.
    /// </summary>
    internal static IReadOnlyList<TestOutcome> RunOnExistingData(ConformanceRun run, EmbeddedTestRunner runner, Assembly suite, IReadOnlySet<string>? onlyTests)
    {
        var settings = run.Settings;
        var read = Effects.Name(CheckEffect.Read);
        run.Quiet = true;
        var quiet = runner.Run(suite, settings.RuleFilter, settings.TestFilter, settings.Workers, settings.Seed, onlyTests: onlyTests, admit: t => Effects.Of(t) == read);
        run.Quiet = false;
        var deferred = run.Deferred.ToHashSet(StringComparer.Ordinal);
        var writing = runner.Run(suite, settings.RuleFilter, settings.TestFilter, settings.Workers, settings.Seed, onlyTests: onlyTests, admit: t => Effects.Of(t) != read || deferred.Contains(t.FullName));
        return [.. quiet.Where(o => !deferred.Contains(o.Id)), .. writing];
    }

    /// <summary>Runs the checks with <paramref name="run"/> installed; with --fault-matrix, the matrix after them.</summary>
    private static async Task<(IReadOnlyList<TestOutcome> Outcomes, ShardPlan? ShardPlan)> RunChecksAsync(ConformanceRun run, Assembly suite, string provisioningKey, TextWriter console)
    {
        var settings = run.Settings;
        ConformanceRun.Install(run);
        var progress = new ConsoleProgress(console, settings.InteractiveConsole, rules => rules.Select(run.Catalogue.Find).FirstOrDefault(r => r is not null)?.Area);
        var runner = new EmbeddedTestRunner(run.Recorder, progress) { Shard = settings.Shard };
        var outcomes = run.Manifest is not null && !settings.ReadOnly
            ? RunOnExistingData(run, runner, suite, onlyTests: null)
            : runner.Run(suite, settings.RuleFilter, settings.TestFilter, settings.Workers, settings.Seed, settings.ReadOnly);

        // A shard may be dealt no group when the selection has fewer groups than shards; its report says so.
        if (outcomes.Count == 0 && runner.ShardPlan is not { Selection.Count: > 0 })
        {
            throw new ConfigurationException(settings.RuleFilter.Count == 0 && settings.TestFilter.Count == 0
                ? "the suite holds no tests"
                : $"no test matches {string.Join(" and ", new[] { settings.RuleFilter.Count > 0 ? $"rule(s) {string.Join(", ", settings.RuleFilter)}" : null, settings.TestFilter.Count > 0 ? $"test(s) {string.Join(", ", settings.TestFilter)}" : null }.OfType<string>())}");
        }

        if (settings.FaultMatrix)
        {
            await new FaultMatrix(run, suite, provisioningKey).RunAsync(outcomes, console);
        }

        if (settings.ReadOnly)
        {
            console.WriteLine($"Read-only run: {outcomes.Count(o => o.Effect != Effects.Name(CheckEffect.Read))} checks that write were not run (listed as skipped)");
        }

        if (runner.ShardPlan is { } plan)
        {
            console.WriteLine($"Shard {plan.Shard}: {plan.InShard.Count} of {plan.Selection.Count} checks (the others run in other shards)");
        }

        return (outcomes, runner.ShardPlan);
    }

    /// <summary>Says whether the manifest's anomalies were put back, and which fixtures were missing; answers the restores not verified.</summary>
    private static List<RestoreCheck> ReportRestoresAndMissingFixtures(Fixtures fixtures, IReadOnlyList<TestOutcome> outcomes, TextWriter console)
    {
        var findings = fixtures.Findings;
        var unrestored = findings.Restores.Where(r => !r.Verified).ToList();
        if (fixtures.Manifest is not null)
        {
            console.WriteLine(unrestored.Count == 0
                ? $"Restore: {findings.Restores.Count} write(s) to mutable anomalies put back and verified"
                : $"RESTORE INCOMPLETE: {string.Join("; ", unrestored.Select(r => r.Describe()))}");
        }

        if (findings.MissingFixtures.Count > 0)
        {
            var lines = MissingFixtureSummary.Of(findings.MissingFixtures, outcomes);
            console.WriteLine($"Inconclusive for lack of fixtures: {findings.MissingFixtures.Count} checks, {lines.Count} fixture(s) missing:");
            foreach (var line in lines)
            {
                console.WriteLine("  - " + MissingFixtureSummary.Describe(line));
            }
        }

        return unrestored;
    }

    /// <summary>Leftover data on a shared target matters more than the verdict: it answers the setup code, saying how to sweep.</summary>
    private static int ExitCode(RunReport report, RunSettings settings, bool unrestored, TextWriter console)
    {
        var ledger = Path.Combine(settings.OutputDirectory, "ledger.ndjson");
        if (unrestored)
        {
            console.WriteLine($"Existing anomalies were left changed; ./run-conformance.sh --sweep {ledger} --profile PROFILE retries");
            return ExitTargetUnreachable;
        }

        if (report.Cleanup is { Verified: false })
        {
            console.WriteLine($"CLEANUP INCOMPLETE: run {settings.RunId} left data on the target; ./run-conformance.sh --sweep {ledger} retries");
            return ExitTargetUnreachable;
        }

        if (settings.FailOnRegressions)
        {
            // A release gate: a rule that fails now and did not in the baseline, or data the run was not given touched.
            return report.Baseline!.Regressions.Count > 0 || report.Canary?.Unchanged == false ? ExitNotConformant : ExitConformant;
        }

        return report.Conformant ? ExitConformant : ExitNotConformant;
    }

    private static async Task<ContainerTarget> StartContainerAsync(RunSettings settings, TextWriter console)
    {
        var container = await ContainerTarget.StartAsync(settings.Image!, settings.ImagePort, settings.ImageEnvironment, TimeSpan.FromMinutes(3));
        console.WriteLine($"Started container image {settings.Image} (host network, port {settings.ImagePort})");
        return container;
    }

    private static async Task<ReferenceServerProcess> StartReferenceServerAsync(RunSettings settings, string? instrumentedDll, string provisioningKey, TextWriter console)
    {
        var dll = instrumentedDll ?? ReferenceServerProcess.LocateDll(settings.ReferenceServerDll);
        // The fault matrix starts the server clean and gives each request its fault.
        var faults = settings.FaultMatrix ? [] : settings.ReferenceFaults;
        var server = await ReferenceServerProcess.StartAsync(dll, provisioningKey, faults, TimeSpan.FromSeconds(60), openApiFile: settings.ReferenceOpenApiFile);
        console.WriteLine(faults.Count == 0
            ? "Started the embedded reference server"
            : $"Started the embedded reference server with faults: {string.Join(", ", faults)}");
        if (settings.ReferenceOpenApiFile is not null)
        {
            console.WriteLine($"It publishes {settings.ReferenceOpenApiFile} as its OpenAPI description");
        }

        return server;
    }

    /// <summary>The cast of a manifest: its users under their labels, with the role and permission each label stands for.</summary>
    internal static Dictionary<string, Actor> CastOf(Core.Profiles.FixtureManifest manifest, Redactor redactor)
    {
        var cast = new Dictionary<string, Actor>(StringComparer.Ordinal);
        foreach (var member in CastMember.Everyone.Where(m => manifest.Users.ContainsKey(m.Label)))
        {
            var user = manifest.Users[member.Label];
            redactor.Register(user.Token, "<token:" + member.Label + ">");
            cast[member.Label] = new Actor(member.Label, member.GlobalRole, member.TeamPermission, user.Id, user.Token);
        }

        return cast;
    }

    /// <summary>
    /// The target's own OpenAPI description, fetched as the run's Admin. When it cannot be had the run stops
    /// (exit 3), after removing the users it provisioned.
    /// </summary>
    private static async Task<TargetOpenApiDocument> FetchTargetOpenApiAsync(
        ApiClient api,
        IReadOnlyDictionary<string, Actor> cast,
        string documentPath,
        RunSettings settings,
        ProvisioningClient provisioning,
        RunLedger ledger,
        Redactor redactor,
        TextWriter console,
        bool tearDownOnFailure)
    {
        using (ExchangeRecorder.Scope(SetupScope))
        {
            try
            {
                var fetched = await TargetOpenApiDocument.FetchAsync(api, cast.GetValueOrDefault("admin") ?? Actor.Anonymous, documentPath, settings.OutputDirectory, redactor);
                console.WriteLine($"Contract checks come from the target's OpenAPI description {fetched.Url} (saved as {fetched.SavedAs})");
                return fetched;
            }
            catch (SetupException) when (tearDownOnFailure && !settings.KeepFixtures)
            {
                await TearDownAsync(provisioning, ledger, settings.RunId, console);
                throw;
            }
        }
    }

    /// <summary>Removes everything the run provisioned and checks nothing of it is left.</summary>
    public static async Task<CleanupCheck> TearDownAsync(ProvisioningClient provisioning, RunLedger? ledger, string runId, TextWriter console)
    {
        using (ExchangeRecorder.Scope("run-teardown"))
        {
            try
            {
                var answer = await provisioning.TeardownAsync(runId);
                ledger?.Teardown(runId, answer);
                var inventory = await provisioning.InventoryAsync(runId);
                var removed = Counts(answer["removed"]);
                var remaining = Counts(inventory["remaining"]);
                var check = new CleanupCheck(runId, removed, remaining, remaining.Values.All(n => n == 0));
                console.WriteLine(check.Verified
                    ? $"Cleanup: removed what run {runId} provisioned ({string.Join(", ", removed.Where(r => r.Value > 0).Select(r => $"{r.Value} {r.Key}"))}); nothing is left"
                    : $"Cleanup: run {runId} still has {string.Join(", ", remaining.Where(r => r.Value > 0).Select(r => $"{r.Value} {r.Key}"))} on the target");
                return check;
            }
            catch (TargetErrorException e)
            {
                console.WriteLine($"Cleanup failed: {e.Message}");
                return new CleanupCheck(runId, new Dictionary<string, long>(), new Dictionary<string, long>(), Verified: false);
            }
        }
    }

    private static Dictionary<string, long> Counts(System.Text.Json.Nodes.JsonNode? node) =>
        (node as System.Text.Json.Nodes.JsonObject ?? []).ToDictionary(p => p.Key, p => p.Value?.GetValue<long>() ?? 0);

    /// <summary>The canary as the run's admin sees it; unreadable before the run is a setup failure.</summary>
    private static async Task<string?> ReadCanaryAsync(ApiClient api, Actor admin, string canary, bool before)
    {
        using (ExchangeRecorder.Scope(before ? "run-setup" : "run-teardown"))
        {
            var response = await api.GetAsync(admin, $"/api/anomalies/{Uri.EscapeDataString(canary)}", purpose: ExchangePurpose.Verify);
            if (response.Status != 200 && before)
            {
                throw new SetupException($"the profile's canary anomaly {canary} is not readable (HTTP {response.Status})");
            }

            return response.Status == 200 ? response.Body : $"HTTP {response.Status}";
        }
    }

    /// <summary>
    /// Waits until the target answers anything (401 without a token is the expected answer). A container may
    /// need a while to come up: it gets four request timeouts (2 minutes by default), and if it never answers
    /// its log is saved beside the reports.
    /// </summary>
    private static async Task WaitUntilAnsweringAsync(ApiClient api, RunSettings settings, ContainerTarget? container, Redactor redactor, TextWriter console)
    {
        try
        {
            await WaitUntilAnsweringAsync(api, container is null ? settings.RequestTimeout : settings.RequestTimeout * 4, mayStillBeStarting: container is not null);
        }
        catch (SetupException) when (container is not null)
        {
            var log = Path.Combine(settings.OutputDirectory, "container.log");
            await File.WriteAllTextAsync(log, redactor.Redact(await container.LogsAsync()));
            console.WriteLine($"Container log: {log}");
            throw;
        }
    }

    private static async Task WaitUntilAnsweringAsync(ApiClient api, TimeSpan timeout, bool mayStillBeStarting)
    {
        var deadline = DateTime.UtcNow + timeout;
        using (ExchangeRecorder.Scope(SetupScope))
        {
            while (true)
            {
                try
                {
                    // Any HTTP answer means the target is up; 401 is the expected one without a token.
                    await api.ProbeAsync(Actor.Anonymous, "/api/anomalies?size=1");
                    return;
                }
                catch (TargetErrorException e) when (DateTime.UtcNow < deadline && (mayStillBeStarting || !Refused(e)))
                {
                    _ = e;
                    await Task.Delay(250);
                }
                catch (TargetErrorException e)
                {
                    throw new SetupException($"target {api.BaseUrl} is unreachable: {e.Exchange?.TransportError ?? e.Message}", e);
                }
            }
        }
    }

    /// <summary>
    /// With no --workers, the parallelism follows the round trip, measured as the quickest of three probes sent together.
    /// A check is a short chain of dependent requests, so a run takes about requests x round trip / workers:
    /// four workers keep a target on the same machine busy, a distant one needs more requests in flight.
    /// </summary>
    private static async Task<RunSettings> ChooseWorkersAsync(RunSettings settings, ApiClient api, TextWriter console)
    {
        if (!settings.AdaptiveWorkers)
        {
            return settings;
        }

        // Sent together: the checks wait for the answer, and one probe at least travels on the readiness probe's
        // kept-alive connection, so the quickest carries no connection set-up.
        async Task<double?> ProbeAsync()
        {
            try
            {
                return (await api.ProbeAsync(Actor.Anonymous, "/api/anomalies?size=1")).Exchange.DurationMs;
            }
            catch (TargetErrorException)
            {
                // A probe lost on the way measures nothing; the fixtures are being provided meanwhile, so this
                // never ends the run.
                return null;
            }
        }

        List<double> roundTrips;
        using (ExchangeRecorder.Scope(SetupScope))
        {
            roundTrips = [.. (await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ProbeAsync()))).OfType<double>()];
        }

        if (roundTrips.Count == 0)
        {
            console.WriteLine($"Parallelism: {settings.Workers} workers (the round trip could not be measured)");
            return settings;
        }

        var workers = WorkersFor(roundTrips.Min(), settings.RateLimitPerSecond);
        if (workers != settings.Workers)
        {
            console.WriteLine($"Parallelism: {workers} workers for a {roundTrips.Min():0} ms round trip (--workers sets it)");
        }

        return settings with { Workers = workers };
    }

    /// <summary>
    /// Four workers, plus six per five milliseconds of round trip, at most 96. Measured on two cores through a
    /// delay line: at 50 ms, 64 workers finish with 54 and 80 (the machine's processor is then the limit); at
    /// 150 ms, 96 finish a fifth sooner than 64. Under a rate limit, no more than the requests that limit lets
    /// be in flight at once (rate x round trip) and a few spare: the rest would queue.
    /// </summary>
    public const int MaxWorkers = 96;

    public static int WorkersFor(double roundTripMs, int? rateLimitPerSecond)
    {
        var workers = Math.Clamp(4 + (int)Math.Round(roundTripMs * 1.2), 4, MaxWorkers);
        return rateLimitPerSecond is { } rate
            ? Math.Min(workers, Math.Max(4, (int)Math.Ceiling(rate * roundTripMs / 1000.0) + 2))
            : workers;
    }

    /// <summary>
    /// Nothing listens there: a deployment that refuses the first connection will not start answering, so
    /// the run ends at once (exit 3). A container just started may still be coming up, and is waited for.
    /// </summary>
    private static bool Refused(TargetErrorException e) =>
        e.InnerException is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError, InnerException: System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused } };

    private static void WriteReports(RunReport report, RunSettings settings, TextWriter console, Redactor redactor)
    {
        var outDir = settings.OutputDirectory;
        report = ReportSet.Write(report, outDir, redactor);
        if (settings.LatestLink is not null)
        {
            PointLatestAt(settings.LatestLink, outDir);
        }

        ConsoleSummary.Write(report, console, settings.LatestLink ?? outDir);
    }

    /// <summary>spec-coverage.json and its Cobertura twin; run-conformance.sh renders the latter with ReportGenerator.</summary>
    private static void WriteSpecCoverage(SpecCoverage coverage, string outDir, TextWriter console)
    {
        coverage.WriteJson(Path.Combine(outDir, "spec-coverage.json"));
        coverage.WriteCobertura(Path.Combine(outDir, "spec-coverage.cobertura.xml"));
        console.WriteLine($"Spec coverage: {coverage.Summary()} exercised (spec-coverage.json)");
    }

    internal static void PointLatestAt(string link, string target)
    {
        var existing = new FileInfo(link);
        if (existing.LinkTarget is not null)
        {
            existing.Delete();
        }
        else if (Directory.Exists(link))
        {
            Directory.Delete(link, recursive: true);
        }

        // A relative link keeps working when the repository is moved or mounted elsewhere.
        Directory.CreateSymbolicLink(link, Path.GetRelativePath(Path.GetDirectoryName(link)!, target));
    }
}
