using System.Collections.Concurrent;
using AnomaliesConformance.Core.Catalogue;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using Microsoft.OpenApi.Models;
using NUnit.Framework;
using NUnit.Framework.Internal;

namespace AnomaliesConformance.Core.Checks;

/// <summary>
/// The state one run shares with its tests: the pooled client, the cast of users, provisioning and the
/// rule catalogue. Set once by the runner before any test starts; read-only afterwards.
/// </summary>
public sealed class ConformanceRun(
    RunSettings settings,
    ApiClient api,
    ExchangeRecorder recorder,
    Redactor redactor,
    RuleCatalogue catalogue,
    ProvisioningClient provisioning,
    IReadOnlyDictionary<string, Actor> cast)
{
    // The run of the current flow: the runner installs it before NUnit starts its workers, which inherit it,
    // so two runs in one process never see each other's. An async OneTimeSetUp (SuiteHost, under dotnet test)
    // cannot flow a value to the tests after it, so the last run installed is the answer for a flow with none.
    private static readonly AsyncLocal<ConformanceRun?> Flowing = new();
    private static ConformanceRun? lastInstalled;

    private readonly ConcurrentDictionary<string, Lazy<Task<object>>> shared = new(StringComparer.Ordinal);
    private ManifestWorlds? worlds;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> sharedUsers = new(StringComparer.Ordinal);

    /// <summary>True inside a run; false where the suite's tests are only discovered (the self-tests).</summary>
    public static bool IsInstalled => (Flowing.Value ?? lastInstalled) is not null;

    public static ConformanceRun Current =>
        Flowing.Value ?? lastInstalled ?? throw new InvalidOperationException("no run is installed: the suite runs through its runner (run-conformance.sh) or dotnet test (SuiteHost)");

    public RunSettings Settings { get; } = settings;
    public ApiClient Api { get; } = api;
    public ExchangeRecorder Recorder { get; } = recorder;
    public Redactor Redactor { get; } = redactor;
    public RuleCatalogue Catalogue { get; } = catalogue;
    public ProvisioningClient Provisioning { get; } = provisioning;
    public IReadOnlyDictionary<string, Actor> Cast { get; } = cast;
    public string RunPrefix => Settings.RunId;
    public RunFindings Findings { get; init; } = new();

    /// <summary>
    /// The expectation declared for a disputed behaviour (a rule's `profile_key`), or null when none was
    /// declared: the test then records an observation instead of a verdict.
    /// </summary>
    public string? Expectation(string profileKey) => Settings.Expectations.GetValueOrDefault(profileKey);

    /// <summary>The OpenAPI document the generated contract checks read: --spec's, or the target's own (--spec-from-target).</summary>
    public OpenApiDocument? Contract { get; init; }

    /// <summary>
    /// Why the target cannot provision fixtures (it has no provisioning extension), or null. Tests that need
    /// users or fixtures then end inconclusive with this reason instead of failing.
    /// </summary>
    public string? ProvisioningUnavailable { get; init; }

    /// <summary>The existing anomalies of a profile in manifest mode, or null when the run provisions its own.</summary>
    public ManifestFixtures? Manifest { get; init; }

    public IReadOnlyDictionary<string, long> CastUserIds =>
        Cast.ToDictionary(c => c.Key, c => c.Value.UserId ?? throw new InvalidOperationException($"{c.Key} has no user id"));

    /// <summary>Makes <paramref name="run"/> the run of this flow and of what it starts (NUnit's workers included).</summary>
    public static void Install(ConformanceRun run)
    {
        Flowing.Value = run;
        lastInstalled = run;
    }

    /// <summary>
    /// A fixture the run's checks share, created once per run (not once per process: two runs never see each
    /// other's), outside any one check's cancellation, its exchanges recorded under <paramref name="scope"/>.
    /// Every check that asks is remembered as a user of it (<see cref="SharedFixtureUsers"/>).
    /// </summary>
    /// <summary>How many times a shared fixture's setup is tried before its checks end as target errors.</summary>
    private const int SharedSetupAttempts = 3;

    public async Task<T> SharedAsync<T>(string scope, Func<Task<T>> create)
        where T : class
    {
        sharedUsers.GetOrAdd(scope, _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal)).TryAdd(ExchangeRecorder.CurrentTestId(), 0);
        var fixture = shared.GetOrAdd(scope, _ => new Lazy<Task<object>>(() => Task.Run(async () =>
        {
            using var named = ExchangeRecorder.Scope(scope);
            // A shared fixture is the run's own data, made anew by each attempt: an answer lost while setting it
            // up (a flaky network) is no verdict on the target, and every check that shares the fixture would
            // lose it at once.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return (object)await create();
                }
                catch (TargetErrorException) when (attempt < SharedSetupAttempts)
                {
                }
            }
        })));
        return (T)await fixture.Value;
    }

    /// <summary>The checks that used each shared fixture: what the fixture's setup does reaches all of them.</summary>
    public IReadOnlyDictionary<string, IReadOnlyCollection<string>> SharedFixtureUsers =>
        sharedUsers.ToDictionary(s => s.Key, s => (IReadOnlyCollection<string>)s.Value.Keys.ToList(), StringComparer.Ordinal);

    /// <summary>
    /// A cast member; inconclusive (not failed) when the target could not provision the cast or the profile's
    /// manifest gives no user of that label.
    /// </summary>
    public Actor Actor(string castLabel)
    {
        if (ProvisioningUnavailable is not null)
        {
            Missing("users: " + ProvisioningUnavailable);
        }

        if (Cast.TryGetValue(castLabel, out var actor))
        {
            return actor;
        }

        if (Manifest is not null)
        {
            Missing($"user '{castLabel}' (fixtures.users.{castLabel})");
        }

        throw new ArgumentException($"the cast has no '{castLabel}'", nameof(castLabel));
    }

    public void RequireProvisioning()
    {
        if (ProvisioningUnavailable is not null)
        {
            Missing("fixtures: " + ProvisioningUnavailable);
        }

        if (Manifest is not null)
        {
            Missing("provisioning extension: this check builds its own anomalies, and the profile's fixtures are a manifest of existing ones");
        }
    }

    /// <summary>
    /// True while a manifest run's reading checks run alone, before any check writes: a deployment's lists then
    /// hold still while they are walked and filtered (a hard delete elsewhere would shift every page after it).
    /// </summary>
    public bool Quiet { get; set; }

    private readonly ConcurrentDictionary<string, byte> deferred = new(StringComparer.Ordinal);

    /// <summary>Checks of the quiet phase that needed writes to arrange their anomalies: they run again with the writing checks.</summary>
    public IReadOnlyCollection<string> Deferred => [.. deferred.Keys];

    /// <summary>Ends the current check for now: it runs again after the quiet phase, with the checks that write.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public void Defer(string why)
    {
        deferred.TryAdd(TestContext.CurrentContext.Test.FullName, 0);
        Assert.Inconclusive("deferred to the writing phase: " + why);
    }

    /// <summary>Ends the current check inconclusive, naming what the target or its profile did not give, and lists it for the report.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public void Missing(string what)
    {
        Findings.RecordMissing(new MissingFixture(TestContext.CurrentContext.Test.FullName, what));
        Assert.Inconclusive("cannot be judged without " + what);
    }

    /// <summary>
    /// The check's world: provisioned, or in manifest mode given from existing anomalies by the planner when the
    /// check declares it can run on them (<see cref="OnExistingDataAttribute"/>).
    /// </summary>
    public async Task<World> ProvisionAsync(string testId, Action<WorldBuilder> describe, CancellationToken ct = default)
    {
        var builder = new WorldBuilder(RunPrefix, StableSeed.For(Settings.Seed, testId));
        describe(builder);
        var test = TestExecutionContext.CurrentContext.CurrentTest;
        if (Manifest is not null && ProvisioningUnavailable is null && OnExistingDataAttribute.IsDeclaredOn(test))
        {
            worlds ??= new ManifestWorlds(Manifest, Api, Cast);
            var effect = Effects.Of(test) switch
            {
                "read" => CheckEffect.Read,
                "reversible-write" => CheckEffect.ReversibleWrite,
                _ => CheckEffect.Destructive,
            };
            return await worlds.RealizeAsync(this, effect, builder, ct);
        }

        if (Manifest is not null && OnExistingDataAttribute.WhyNotOn(test) is { } why)
        {
            Missing("provisioning extension: " + why);
        }

        RequireProvisioning();
        var batch = builder.ToBatch(CastUserIds);
        batch["run"] = RunPrefix;
        return await Provisioning.BatchAsync(batch, builder.ToWorld, ct);
    }
}
