using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Scenarios;

/// <summary>Hard delete (archive=false): only of archived anomalies, for good, with everything under them.</summary>
[OnExistingData]
[Effect(CheckEffect.Destructive)]
public sealed class HardDeleteTests : ConformanceTest
{
    [TestCase("Active")]
    [TestCase("Acknowledged")]
    [Rule("HARD-DELETE-ONLY-ARCHIVED")]
    public async Task Hard_delete_of_an_open_anomaly_is_refused_and_changes_nothing(string status)
    {
        var world = await ProvisionOneAsync(new() { Status = status });
        var before = await StateAsync(world["a"]);

        // Which refusal code is ERRORS-STATE-CONFLICT-409's business; this rule is the refusal.
        (await DeleteAsync(As("member-author"), world["a"].Id, "?archive=false")).ShouldBeRefused($"hard delete only works on archived anomalies, and this one is {status}");

        await ShouldBeUnchangedAsync(world["a"], before, "a refused hard delete changes nothing");
    }

    [Test]
    [Rule("HARD-DELETE-REMOVES")]
    public async Task Archive_then_hard_delete_removes_the_anomaly_for_good()
    {
        // The check also runs on a profile manifest's sacrificial anomaly, which may already be archived.
        var anomaly = await SacrificialAnomalyAsync();
        var before = await SnapshotAsync(anomaly);
        var datastore = Read.RefId(before, "datastore");
        if (!before.IsArchived())
        {
            (await DeleteAsync(As("member-author"), anomaly.Id, "?archive=true&status=Resolved")).ShouldSucceed("archiving first");
        }

        (await DeleteAsync(As("member-author"), anomaly.Id, "?archive=false")).ShouldSucceed("hard-deleting the archived anomaly");

        // Both address forms: each is checked not to answer the deleted anomaly (another anomaly answered by
        // a broken numeric lookup is GET-BY-ID's failure, not this rule's).
        (await GetAnomalyAsync(Admin, anomaly.Id)).ShouldNotBe(anomaly, "after the hard delete");
        (await GetAnomalyAsync(Admin, anomaly.Id, "?include_deleted=true")).ShouldNotBe(anomaly, "after the hard delete, even with include_deleted");
        (await GetAnomalyAsync(Admin, anomaly.Uuid, "?include_deleted=true")).ShouldNotBe(anomaly, "by UUID after the hard delete, even with include_deleted");
        foreach (var archived in new[] { "include", "only" })
        {
            // A provisioned datastore holds this anomaly alone; a shared one may hold pages of others, so there
            // the list is narrowed by searching the id (a broken search is LIST-SEARCH-ID's own failure).
            (string, object)[] query = Run.Manifest is null
                ? [("datastore", datastore), ("archived", archived)]
                : [("datastore", datastore), ("archived", archived), ("search", anomaly.Id)];
            var listed = (await ListAsync(Admin, query)).ShouldSucceed($"listing with archived={archived}");
            listed.ListItems().Select(a => a.Id()).Should().NotContain(anomaly.Id, "no list returns a hard-deleted anomaly: {0}", listed);
        }
    }

    [Test]
    [Rule("HARD-DELETE-CASCADE")]
    public async Task After_a_hard_delete_no_path_under_the_anomaly_answers_it()
    {
        var world = await PurgedWorldAsync();
        var anomaly = world["a"];

        // The page: hard delete "remove[s] the record entirely". Which refusal is HARD-DELETE-CASCADE-404's.
        var reads = SubPaths.SelectMany(path => new[] { path, path + "?include_deleted=true" }).ToList();
        foreach (var (read, answer) in reads.Zip(await GetTogetherAsync(Admin, reads.Select(read => $"/api/anomalies/{anomaly.Id}/{read}"))))
        {
            answer.ShouldBeRefused($"for {read} of a hard-deleted anomaly: nothing of it is served");
        }

        (await CreateLinkAsync(As("manager-author"), anomaly.Id, $$"""{"integration_id": {{world.Integrations["jira"]}}, "ticket_id": "sys-10", "ticket_number": "INC10", "status": "New"}"""))
            .ShouldBeRefused("for a ticket link on a hard-deleted anomaly");
    }

    [Test]
    [Rule("HARD-DELETE-CASCADE-404")]
    public async Task After_a_hard_delete_every_path_under_the_anomaly_answers_404()
    {
        var world = await PurgedWorldAsync();
        var anomaly = world["a"];

        var answers = await GetTogetherAsync(Admin, SubPaths.Select(path => $"/{path}").Prepend("?include_deleted=true").Select(rest => $"/api/anomalies/{anomaly.Id}{rest}"));

        // Which refusal: whether every path refuses at all is HARD-DELETE-CASCADE's.
        Precondition(answers.All(a => IsRefusal(a)), "every path of the hard-deleted anomaly being refused", "HARD-DELETE-CASCADE", [.. answers]);
        foreach (var answer in answers)
        {
            answer.ShouldHaveStatus(404, "for a path of a hard-deleted anomaly: it no longer exists");
        }
    }

    [Test]
    [Rule("HARD-DELETE-SECOND-404")]
    public async Task A_second_hard_delete_answers_404()
    {
        var anomaly = await SacrificialAnomalyAsync(new() { Status = "Invalid" });
        if (!(await SnapshotAsync(anomaly)).IsArchived())
        {
            // A manifest's sacrificial anomaly may still be open; only an archived one may be hard-deleted.
            (await DeleteAsync(As("member-author"), anomaly.Id, "?archive=true&status=Invalid")).ShouldSucceed("archiving first");
        }

        (await DeleteAsync(As("member-author"), anomaly.Id, "?archive=false")).ShouldSucceed("the first hard delete");

        (await DeleteAsync(As("member-author"), anomaly.Id, "?archive=false")).ShouldHaveStatus(404, "for a second hard delete: the anomaly no longer exists");
    }

    [Test]
    [Rule("HARD-DELETE-STATUS-TOLERATED")]
    public async Task A_status_beside_archive_false_is_tolerated_and_ignored()
    {
        var world = await ProvisionAsync(b => b.Anomaly("single", new() { Status = "Resolved" }).Anomaly("bulk", new() { Status = "Duplicate" }));

        // The official client sends status=Resolved with archive=false.
        (await DeleteAsync(As("member-author"), world["single"].Id, "?archive=false&status=Resolved")).ShouldSucceed("for a hard delete that also carries a status");
        (await BulkDeleteAsync(As("member-author"), $$"""[{"id": {{world["bulk"].Id}}, "archive": false, "status": "Resolved"}]""")).ShouldSucceed("for a bulk hard-delete entry with a status");

        (await GetAnomalyAsync(Admin, world["single"].Id)).ShouldNotBe(world["single"], "after the hard delete that carried a status");
        (await GetAnomalyAsync(Admin, world["bulk"].Id)).ShouldNotBe(world["bulk"], "after the bulk hard delete that carried a status");
    }

    private static readonly string[] SubPaths = ["failed-checks", "history", "comments", "source-record", "source-record/download", "ticket-links"];

    /// <summary>An archived anomaly with a comment and a ticket link, hard-deleted (the deletion itself is HARD-DELETE-REMOVES').</summary>
    private static async Task<World> PurgedWorldAsync()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("a", new() { Status = "Resolved", Comments = [new("member-viewer", "before the purge", new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero))] })
            .Integration("jira")
            .OnExisting(ExistingNeeds.SacrificialWithComments));
        var anomaly = world["a"];
        if (!(await SnapshotAsync(anomaly)).IsArchived())
        {
            // An existing sacrificial anomaly with comments may still be open; only an archived one may be hard-deleted.
            (await DeleteAsync(As("member-author"), anomaly.Id, "?archive=true&status=Resolved")).ShouldSucceed("archiving first");
        }

        (await CreateLinkAsync(As("manager-author"), anomaly.Id, $$"""{"integration_id": {{world.Integrations["jira"]}}, "ticket_id": "sys-9", "ticket_number": "INC9", "status": "New"}"""))
            .ShouldSucceed("linking a ticket before the purge");

        (await DeleteAsync(As("member-author"), anomaly.Id, "?archive=false")).ShouldSucceed("hard-deleting the archived anomaly");
        var gone = await GetAnomalyAsync(Admin, anomaly.Id, "?include_deleted=true");
        Precondition(IsRefusal(gone), "the anomaly itself being gone, even with include_deleted", "HARD-DELETE-REMOVES", gone);
        return world;
    }
}
