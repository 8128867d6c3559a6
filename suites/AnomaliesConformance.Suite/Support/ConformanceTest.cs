using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using FluentAssertions;
using NUnit.Framework;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Support;

/// <summary>
/// Base of every scenario: the run's client and cast, one-call provisioning of the test's own world, and
/// the API calls of the page. Tests are independent and run in parallel.
/// </summary>
[Parallelizable(ParallelScope.All)]
public abstract class ConformanceTest
{
    protected static ConformanceRun Run => ConformanceRun.Current;

    protected static ApiClient Api => Run.Api;

    protected static Actor As(string castLabel) => Run.Actor(castLabel);

    protected static Actor Admin => As("admin");

    protected static RunFindings Findings => Run.Findings;

    protected static Task<World> ProvisionAsync(Action<WorldBuilder> describe) =>
        Run.ProvisionAsync(TestContext.CurrentContext.Test.FullName, describe);

    protected static Task<World> ProvisionOneAsync(AnomalySpec? spec = null) =>
        ProvisionAsync(b => b.Anomaly("a", spec));

    private static string TestId => TestContext.CurrentContext.Test.FullName;

    /// <summary>
    /// Anomalies a check only reads: its own (built from <paramref name="spec"/>) when the run provisions, or
    /// up to <paramref name="count"/> of the profile manifest's read-only ones (at least one, else inconclusive).
    /// </summary>
    protected static async Task<IReadOnlyList<ProvisionedAnomaly>> ReadOnlyAnomaliesAsync(int count, AnomalySpec? spec = null)
    {
        if (Run.Manifest is { } manifest)
        {
            return manifest.ReadOnly.Count > 0
                ? manifest.ReadOnly.Take(count).ToList()
                : Lacking<IReadOnlyList<ProvisionedAnomaly>>("a read-only anomaly (fixtures.anomalies.read_only)");
        }

        var world = await ProvisionAsync(b =>
        {
            for (var i = 0; i < count; i++)
            {
                b.Anomaly("read" + i, spec);
            }
        });
        return Enumerable.Range(0, count).Select(i => world["read" + i]).ToList();
    }

    /// <summary>
    /// An anomaly a check may update and link (reversible writes): its own when the run provisions, or one of
    /// the manifest's mutable anomalies, held by this check alone and put back and verified when it ends.
    /// Its state is whatever the target holds: a check on it sets what it depends on first.
    /// </summary>
    protected static async Task<ProvisionedAnomaly> MutableAnomalyAsync(AnomalySpec? spec = null)
    {
        if (Run.Manifest is { } manifest)
        {
            return await manifest.ClaimMutableAsync(TestId) ?? Lacking<ProvisionedAnomaly>("a mutable anomaly (fixtures.anomalies.mutable)");
        }

        return (await ProvisionOneAsync(spec))["a"];
    }

    /// <summary>An anomaly a check may archive and hard-delete: its own when the run provisions, or an unused sacrificial one of the manifest.</summary>
    protected static async Task<ProvisionedAnomaly> SacrificialAnomalyAsync(AnomalySpec? spec = null)
    {
        if (Run.Manifest is { } manifest)
        {
            return manifest.ClaimSacrificial(TestId) ?? Lacking<ProvisionedAnomaly>("a sacrificial anomaly of its own (fixtures.anomalies.sacrificial: each is used by one check)");
        }

        return (await ProvisionOneAsync(spec))["a"];
    }

    /// <summary>A user's id, which assignments and mentions need; inconclusive when the manifest does not give it.</summary>
    protected static long UserIdOf(Actor actor) =>
        actor.UserId ?? Lacking<long>($"the id of user '{actor.Label}' (fixtures.users.{actor.Label}.id)");

    /// <summary>Mutable manifest anomalies the check held are put back and verified (the report lists each restore).</summary>
    [TearDown]
    public async Task PutBackExistingAnomaliesAsync()
    {
        if (ConformanceRun.IsInstalled && Run.Manifest is { } manifest)
        {
            await manifest.ReleaseAsync(TestId);
        }
    }

    private static T Lacking<T>(string what)
    {
        Run.Missing(what);
        return default!;
    }

    protected static Task<ApiResponse> GetAnomalyAsync(Actor actor, object idOrUuid, string query = "") =>
        Api.GetAsync(actor, $"/api/anomalies/{idOrUuid}{query}");

    /// <summary>GET the list; "page" and "size" are sent under the target's own parameter names (<see cref="Representation"/>).</summary>
    protected static Task<ApiResponse> ListAsync(Actor actor, params (string Name, object Value)[] query) =>
        Api.GetAsync(actor, "/api/anomalies" + Query.String(query.Select(p => (p.Name switch
        {
            "page" => Read.Spelling.PageParam,
            "size" => Read.Spelling.SizeParam,
            var name => name,
        }, p.Value)).ToArray()));

    /// <summary>The query scoping a list to the world's datastores (<see cref="World.Datastores"/>: shared with others' anomalies on existing data).</summary>
    protected static (string Name, object Value)[] InDatastores(World world) => [.. world.Datastores.Select(d => ("datastore", (object)d))];

    /// <summary>How many pages of 100 a check walks on existing data before it gives up (inconclusive).</summary>
    protected const int SharedListPages = 20;

    /// <summary>
    /// The pages of 100, in order, of the list of the world's datastores (<see cref="World.Datastores"/>) plus
    /// <paramref name="query"/>, as <paramref name="actor"/>: up to the last page, or, <paramref name="untilOwnListed"/>,
    /// until each of the world's anomalies has been listed. A provisioned world's is one page of its own anomalies;
    /// on existing data the datastores hold others' too, so a check judges every item (a property every anomaly
    /// has) or only its own.
    /// </summary>
    protected static async Task<IReadOnlyList<ApiResponse>> ListPagesAsync(Actor actor, World world, bool untilOwnListed, string because, params (string Name, object Value)[] query)
    {
        var pages = new List<ApiResponse>();
        var unlisted = world.Anomalies.Values.Select(a => a.Id).ToHashSet();
        for (var page = 1; page <= SharedListPages; page++)
        {
            var response = (await ListAsync(actor, [.. InDatastores(world), ("size", 100), ("page", page), .. query])).ShouldSucceed(because);
            pages.Add(response);
            var items = response.ListItems();
            unlisted.ExceptWith(items.Select(a => a.Id()));
            if (items.Count < 100 || (untilOwnListed && unlisted.Count == 0))
            {
                return pages;
            }
        }

        Assert.Inconclusive($"cannot be judged on existing data: the list of datastore(s) {string.Join(", ", world.Datastores)} holds more than {SharedListPages * 100} anomalies{(untilOwnListed ? " before its own" : "")}");
        return pages;
    }

    protected static Task<ApiResponse> PutAsync(Actor actor, object idOrUuid, string jsonBody) =>
        Api.SendAsync(actor, HttpMethod.Put, $"/api/anomalies/{idOrUuid}", jsonBody);

    protected static Task<ApiResponse> PatchAsync(Actor actor, string jsonBody) =>
        Api.SendAsync(actor, HttpMethod.Patch, "/api/anomalies", jsonBody);

    protected static Task<ApiResponse> DeleteAsync(Actor actor, object idOrUuid, string query = "", string? jsonBody = null) =>
        Api.SendAsync(actor, HttpMethod.Delete, $"/api/anomalies/{idOrUuid}{query}", jsonBody);

    protected static Task<ApiResponse> BulkDeleteAsync(Actor actor, string jsonBody) =>
        Api.SendAsync(actor, HttpMethod.Delete, "/api/anomalies", jsonBody);

    protected static Task<ApiResponse> HistoryAsync(Actor actor, object idOrUuid, string query = "") =>
        Api.GetAsync(actor, $"/api/anomalies/{idOrUuid}/history{query}");

    protected static Task<ApiResponse> CommentsAsync(Actor actor, object idOrUuid, string query = "") =>
        Api.GetAsync(actor, $"/api/anomalies/{idOrUuid}/comments{query}");

    protected static Task<ApiResponse> FailedChecksAsync(Actor actor, object idOrUuid, string query = "") =>
        Api.GetAsync(actor, $"/api/anomalies/{idOrUuid}/failed-checks{query}");

    protected static Task<ApiResponse> SourceRecordsAsync(Actor actor, object idOrUuid, string query = "") =>
        Api.GetAsync(actor, $"/api/anomalies/{idOrUuid}/source-record{query}");

    protected static Task<ApiResponse> DownloadAsync(Actor actor, object idOrUuid, string query = "") =>
        Api.GetAsync(actor, $"/api/anomalies/{idOrUuid}/source-record/download{query}");

    protected static Task<ApiResponse> TicketLinksAsync(Actor actor, object idOrUuid, string query = "") =>
        Api.GetAsync(actor, $"/api/anomalies/{idOrUuid}/ticket-links{query}");

    protected static Task<ApiResponse> CreateLinkAsync(Actor actor, object idOrUuid, string jsonBody) =>
        Api.SendAsync(actor, HttpMethod.Post, $"/api/anomalies/{idOrUuid}/ticket-links", jsonBody);

    protected static Task<ApiResponse> DeleteLinkAsync(Actor actor, object idOrUuid, object linkId) =>
        Api.SendAsync(actor, HttpMethod.Delete, $"/api/anomalies/{idOrUuid}/ticket-links/{linkId}");

    /// <summary>
    /// A request whose body is larger than the target accepts. It asks for 100-continue, so a target can
    /// refuse it before the body is sent, and closes its connection afterwards: a target may drop the
    /// connection of a refused upload, and the pooled connections of other tests must not be that one.
    /// </summary>
    protected static Task<ApiResponse> SendOversizedAsync(Actor actor, HttpMethod method, string path, string jsonBody) =>
        Api.SendAsync(actor, method, path, jsonBody, new Dictionary<string, string> { ["Expect"] = "100-continue", ["Connection"] = "close" });

    /// <summary>Every history entry of an anomaly as an Admin reads it, walking every page, in the order served.</summary>
    protected static async Task<List<JsonObject>> HistoryEntriesAsync(ProvisionedAnomaly anomaly) =>
        (await Read.WalkAsync(Api, Admin, $"/api/anomalies/{anomaly.Id}/history", 100, Read.HistoryEnvelopeRule, ExchangePurpose.Verify)).Items.ToList();

    /// <summary>
    /// The entries not among <paramref name="earlier"/> (read before the check wrote): what the check's own writes
    /// added. An existing anomaly has a history of its own, and so has one the planner arranged.
    /// </summary>
    protected static List<JsonObject> Since(IEnumerable<JsonObject> entries, IReadOnlyCollection<JsonObject> earlier) =>
        [.. entries.Where(e => !earlier.Any(x => JsonNode.DeepEquals(x, e)))];

    /// <summary>The anomaly's comments as an Admin reads them, deleted ones included when asked.</summary>
    protected static async Task<List<JsonObject>> CommentListAsync(ProvisionedAnomaly anomaly, bool includeDeleted = false)
    {
        var comments = await Api.GetAsync(Admin, $"/api/anomalies/{anomaly.Id}/comments" + (includeDeleted ? "?include_deleted=true" : ""), purpose: ExchangePurpose.Verify);
        comments.ShouldSucceed("reading the comments back");
        return comments.Comments().ToList();
    }

    /// <summary>The ids of the ticket links an Admin sees on an anomaly, in the order served.</summary>
    protected static async Task<List<long>> LinkIdsAsync(ProvisionedAnomaly anomaly)
    {
        var links = await Api.GetAsync(Admin, $"/api/anomalies/{anomaly.Id}/ticket-links", purpose: ExchangePurpose.Verify);
        links.ShouldSucceed("reading the ticket links back");
        return links.Links().Select(Read.LinkId).ToList();
    }

    /// <summary>
    /// The expectation declared for a disputed behaviour, or null: the test then records what the target
    /// did as an observation and ends not judged (the report lists it under observations).
    /// </summary>
    protected static string? Expectation(string profileKey) => Run.Expectation(profileKey);

    protected static void Observe(string rule, string summary, string observed)
    {
        Findings.Observe(new Observation(rule, TestContext.CurrentContext.Test.FullName, summary, observed));
        Assert.Ignore($"observed, not judged (declare --expect to judge it): {observed}");
    }

    /// <summary>
    /// The anomaly as an Admin sees it, for "nothing changed" comparisons. Admin reads are used so a
    /// denied caller's missing permission cannot hide a change. The answer must be the anomaly asked for:
    /// when the numeric form answers another anomaly or nothing, the UUID form is used, so a broken lookup
    /// (GET-BY-ID, GET-BY-UUID) is reported by its own rule, not by every scenario. The id is given back as
    /// a JSON integer whatever form the target served (ANOMALY-ID-NUMERIC judges the form).
    /// </summary>
    protected static async Task<JsonObject> SnapshotAsync(ProvisionedAnomaly anomaly)
    {
        var byId = await Api.GetAsync(Admin, $"/api/anomalies/{anomaly.Id}?include_deleted=true", purpose: ExchangePurpose.Verify);
        if (byId.Status is >= 200 and <= 299 && byId.Json is JsonObject foundById && AnomalyJson.IdOf(foundById["id"]) == anomaly.Id)
        {
            return WithNumericId(foundById, anomaly);
        }

        var byUuid = await Api.GetAsync(Admin, $"/api/anomalies/{anomaly.Uuid}?include_deleted=true", purpose: ExchangePurpose.Verify);
        if (byUuid.Status is >= 200 and <= 299 && byUuid.Json is JsonObject foundByUuid && string.Equals(foundByUuid.Uuid(), anomaly.Uuid, StringComparison.OrdinalIgnoreCase))
        {
            return WithNumericId(foundByUuid, anomaly);
        }

        if (TargetTrouble.Of(byId.Exchange) is not null || TargetTrouble.Of(byUuid.Exchange) is not null)
        {
            throw new TargetErrorException(
                $"cannot read anomaly {anomaly.Id} back: by id the target answered {byId.Status}, by uuid {byUuid.Status}, neither with that anomaly",
                byUuid.Exchange);
        }

        // Refused by both forms, even to an Admin with include_deleted: the anomaly is gone, which a check that
        // reads it back (it was to be unchanged, or changed) reports as its own failure.
        ResponseAssertions.Fail($"expected anomaly {anomaly.Id} to be readable by an Admin (with include_deleted=true), but by id the target answered {byId.Status} and by uuid {byUuid.Status}, neither with that anomaly: it is gone", byUuid);
        return null!;
    }

    /// <summary>What "nothing changed" compares: the anomaly's fields as the page lists them, and how many history entries it has.</summary>
    /// <remarks>The two reads are independent and sent together: on a distant target a check's time is its chain of round trips.</remarks>
    protected static async Task<AnomalyState> StateAsync(ProvisionedAnomaly anomaly)
    {
        var snapshot = SnapshotAsync(anomaly);
        var history = HistoryEntriesAsync(anomaly);
        await Task.WhenAll(snapshot, history);
        return new(AnomalyState.PageFields(await snapshot), (await history).Count);
    }

    /// <summary>
    /// Independent reads, sent together, their answers in the order asked: on a distant target a check's time is
    /// its chain of round trips, and reads that do not depend on each other need not wait for each other.
    /// </summary>
    protected static Task<ApiResponse[]> GetTogetherAsync(Actor actor, IEnumerable<string> paths) =>
        Task.WhenAll(paths.Select(path => Api.GetAsync(actor, path)));

    /// <summary>The state of every anomaly of a world, by id, all read at once.</summary>
    protected static Task<Dictionary<long, AnomalyState>> StatesAsync(World world) =>
        StatesAsync(world.Anomalies.Values);

    /// <summary>The state of each anomaly, by id, all read at once (a failure names the first anomaly, in the order given).</summary>
    protected static async Task<Dictionary<long, AnomalyState>> StatesAsync(IEnumerable<ProvisionedAnomaly> anomalies)
    {
        var list = anomalies.ToList();
        var states = await Task.WhenAll(list.Select(StateAsync));
        return list.Zip(states).ToDictionary(p => p.First.Id, p => p.Second);
    }

    /// <summary>The anomaly reads back as before and its history has no new entry (a refused write changes nothing).</summary>
    protected static async Task ShouldBeUnchangedAsync(ProvisionedAnomaly anomaly, AnomalyState before, string because) =>
        ShouldBeAsBefore(anomaly, before, await StateAsync(anomaly), because);

    /// <summary>Every anomaly of the world reads back as it did before, history included (read at once, judged in order).</summary>
    protected static async Task ShouldBeUnchangedAsync(World world, Dictionary<long, AnomalyState> before, string because)
    {
        var after = await StatesAsync(world);
        foreach (var anomaly in world.Anomalies.Values)
        {
            ShouldBeAsBefore(anomaly, before[anomaly.Id], after[anomaly.Id], because);
        }
    }

    private static void ShouldBeAsBefore(ProvisionedAnomaly anomaly, AnomalyState before, AnomalyState after, string because)
    {
        JsonDiff.FirstDifference(before.Fields, after.Fields).Should().BeNull("{0} (anomaly {1} {2})", because, anomaly.Key, anomaly.Id);
        after.HistoryEntries.Should().Be(before.HistoryEntries, "{0}: no history entry is added (anomaly {1} {2})", because, anomaly.Key, anomaly.Id);
    }

    private static JsonObject WithNumericId(JsonObject found, ProvisionedAnomaly anomaly)
    {
        var copy = found.DeepClone().AsObject();
        copy["id"] = anomaly.Id;
        return copy;
    }
}

/// <summary>
/// An anomaly as "nothing changed" checks compare it: the fields of the page's Anomaly schema it carries
/// (other keys may be volatile and are not the page's), and the number of entries in its history.
/// </summary>
public sealed record AnomalyState(JsonObject Fields, int HistoryEntries)
{
    private static readonly string[] PageKeys =
    [
        "id", "uuid", "type", "status", "weight", "anomalous_records_count", "description", "created", "fingerprint",
        "global_tags", "assignees", "failed_checks", "datastore", "container", "partition_scan",
    ];

    public static JsonObject PageFields(JsonObject anomaly) =>
        new(PageKeys.Where(anomaly.ContainsKey).Select(k => KeyValuePair.Create(k, anomaly[k]?.DeepClone())));
}
