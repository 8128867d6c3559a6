using System.Text.Json.Nodes;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Scenarios;

/// <summary>
/// Archiving through DELETE (archive=true). Every DELETE states archive=true except the one about its
/// default, and the archive steps of other scenarios accept any 2xx: the exact code is ARCHIVE-DELETE-NO-CONTENT's.
/// </summary>
[OnExistingData]
[Effect(CheckEffect.Destructive)]
public sealed class ArchiveTests : ConformanceTest
{
    [Test]
    [Rule("ARCHIVE-DEFAULT-TRUE")]
    public async Task A_delete_without_the_archive_parameter_archives()
    {
        var world = await ProvisionAsync(b => b.Anomaly("single").Anomaly("bulk"));

        var single = (await DeleteAsync(As("member-author"), world["single"].Id, "?status=Resolved")).ShouldSucceed("archive defaults to true, so this archives the open anomaly");
        var bulk = (await BulkDeleteAsync(As("member-author"), $$"""[{"id": {{world["bulk"].Id}}, "status": "Resolved"}]""")).ShouldSucceed("for a bulk entry without archive");

        (await SnapshotAsync(world["single"])).Status().Should().Be("Resolved", "the anomaly is archived, not removed: {0}", single);
        (await SnapshotAsync(world["bulk"])).Status().Should().Be("Resolved", "the bulk entry archives, not removes: {0}", bulk);
    }

    [TestCase("Resolved")]
    [TestCase("Duplicate")]
    [TestCase("Invalid")]
    [TestCase("Discarded")]
    [Rule("ARCHIVE-SETS-STATUS")]
    public async Task Archiving_an_active_anomaly_applies_the_requested_archived_status(string status)
    {
        var world = await ProvisionOneAsync(new() { Status = "Active" });

        var response = (await DeleteAsync(As("member-author"), world["a"].Id, $"?archive=true&status={status}")).ShouldSucceed($"archiving as {status}");

        (await SnapshotAsync(world["a"])).Status().Should().Be(status, "the archived status asked for is the one applied: {0}", response);
    }

    [Test]
    [Rule("ARCHIVE-STATUS-RESOLVED")]
    public Task Archiving_an_acknowledged_anomaly_as_resolved_leaves_it_resolved() => ArchiveAcknowledgedAsAsync("Resolved");

    [Test]
    [Rule("ARCHIVE-STATUS-DUPLICATE")]
    public Task Archiving_an_acknowledged_anomaly_as_duplicate_leaves_it_duplicate() => ArchiveAcknowledgedAsAsync("Duplicate");

    [Test]
    [Rule("ARCHIVE-STATUS-INVALID")]
    public Task Archiving_an_acknowledged_anomaly_as_invalid_leaves_it_invalid() => ArchiveAcknowledgedAsAsync("Invalid");

    [Test]
    [Rule("ARCHIVE-STATUS-DISCARDED")]
    public Task Archiving_an_acknowledged_anomaly_as_discarded_leaves_it_discarded() => ArchiveAcknowledgedAsAsync("Discarded");

    [Test]
    [Rule("ARCHIVE-REQUIRES-STATUS")]
    public async Task Archiving_without_a_status_is_rejected_and_changes_nothing()
    {
        var world = await ProvisionAsync(b => b.Anomaly("single").Anomaly("bulk"));
        var before = await StatesAsync(world);

        // Which refusal code is ERRORS-INVALID-INPUT-422's business; this rule is the refusal and that nothing changes.
        (await DeleteAsync(As("member-author"), world["single"].Id, "?archive=true")).ShouldBeRefused("the status is required when archive=true");
        (await BulkDeleteAsync(As("member-author"), $$"""[{"id": {{world["bulk"].Id}}, "archive": true}]""")).ShouldBeRefused("for a bulk archive entry without a status");

        await ShouldBeUnchangedAsync(world, before, "a rejected archive, single or bulk, changes nothing");
    }

    [TestCase("Active")]
    [TestCase("Acknowledged")]
    [Rule("ARCHIVE-OPEN-STATUS-REJECTED")]
    public async Task Archiving_with_an_open_status_is_rejected_and_changes_nothing(string status)
    {
        var world = await ProvisionAsync(b => b.Anomaly("query").Anomaly("body").Anomaly("bulk"));
        var before = await StatesAsync(world);

        (await DeleteAsync(As("member-author"), world["query"].Id, $"?archive=true&status={status}")).ShouldHaveStatus(422, $"for status {status} in the query: only archived statuses archive");
        (await DeleteAsync(As("member-author"), world["body"].Id, "?archive=true", $$"""{"status": "{{status}}"}""")).ShouldHaveStatus(422, $"for status {status} in the body");
        (await BulkDeleteAsync(As("member-author"), $$"""[{"id": {{world["bulk"].Id}}, "archive": true, "status": "{{status}}"}]""")).ShouldHaveStatus(422, $"for a bulk entry with status {status}");

        await ShouldBeUnchangedAsync(world, before, $"an archive with status {status} changes nothing");
    }

    [Test]
    [Rule("ARCHIVE-STATUS-QUERY-OR-BODY")]
    public async Task The_archive_status_may_be_given_in_the_body_instead_of_the_query()
    {
        var world = await ProvisionOneAsync();

        var response = (await DeleteAsync(As("member-author"), world["a"].Id, "?archive=true", """{"status": "Duplicate"}""")).ShouldSucceed("the body's status is as good as the query's");

        // Archived-ness is read from the status the page defines, and the status applied is the one the body sent.
        (await SnapshotAsync(world["a"])).Status().Should().Be("Duplicate", "an archive with the status only in the body archives with that status: {0}", response);
    }

    [Test]
    [Rule("ARCHIVE-STATUS-CONFLICT")]
    public async Task Different_statuses_in_query_and_body_are_rejected_and_equal_ones_accepted()
    {
        var world = await ProvisionAsync(b => b.Anomaly("body-only").Anomaly("different").Anomaly("equal"));
        var bodyOnly = await DeleteAsync(As("member-author"), world["body-only"].Id, "?archive=true", """{"status": "Invalid"}""");
        Precondition(bodyOnly.Status is >= 200 and <= 299 && (await SnapshotAsync(world["body-only"])).IsArchived(), "a status given in the body being heard", "ARCHIVE-STATUS-QUERY-OR-BODY");
        var before = await StateAsync(world["different"]);

        var different = await DeleteAsync(As("member-author"), world["different"].Id, "?archive=true&status=Resolved", """{"status": "Duplicate"}""");
        var equal = await DeleteAsync(As("member-author"), world["equal"].Id, "?archive=true&status=Resolved", """{"status": "Resolved"}""");

        different.ShouldHaveStatus(422, "for Resolved in the query and Duplicate in the body").ShouldHaveDetail();
        await ShouldBeUnchangedAsync(world["different"], before, $"the contradictory archive changes nothing ({different.Summary})");
        equal.ShouldSucceed("for the same status in the query and the body");
        (await SnapshotAsync(world["equal"])).Status().Should().Be("Resolved", "equal statuses in both places archive: {0}", equal);
    }

    [Test]
    [Rule("ARCHIVE-BODY-OPTIONAL")]
    public async Task An_archive_without_a_body_succeeds()
    {
        var world = await ProvisionAsync(b => b.Anomaly("no-body").Anomaly("empty-json"));

        var noBody = (await DeleteAsync(As("member-author"), world["no-body"].Id, "?archive=true&status=Resolved")).ShouldSucceed("for an archive without a body");
        // A client that always sends Content-Type: application/json sends an empty body the same way.
        var emptyJson = (await DeleteAsync(As("member-author"), world["empty-json"].Id, "?archive=true&status=Resolved", "")).ShouldSucceed("for an archive with an empty JSON body");

        (await SnapshotAsync(world["no-body"])).Status().Should().Be("Resolved", "the body is optional: {0}", noBody);
        (await SnapshotAsync(world["empty-json"])).Status().Should().Be("Resolved", "an empty body is no body: {0}", emptyJson);
    }

    [Test]
    [Rule("ARCHIVE-COMMENT-IN-HISTORY")]
    public async Task An_archive_comment_is_recorded_in_the_history_by_the_archiving_user()
    {
        var world = await ProvisionOneAsync();
        const string comment = "Resolved after backfill, see the data engineering ticket";

        var response = (await DeleteAsync(As("member-author"), world["a"].Id, "?archive=true&status=Resolved", $$"""{"comment": "{{comment}}"}""")).ShouldSucceed("archiving with a comment");

        // The page: "Comment posted to the anomaly's history when archiving". Where in the entry it sits, and
        // whether it shares the status change's entry, is ARCHIVE-COMMENT-SAME-ENTRY's choice.
        var entries = await HistoryEntriesAsync(world["a"]);
        var carrying = entries.Where(e => e.ToJsonString().Contains(comment, StringComparison.Ordinal)).ToList();
        carrying.Should().NotBeEmpty("the archive comment is posted to the history: {0} ({1})", response, string.Join("\n", entries.Select(e => e.ToJsonString())));
        carrying.Select(e => Read.UserIdOf(e)).Should().OnlyContain(id => id == As("member-author").UserId, "the entry with the comment names the archiving user: {0}", string.Join("\n", carrying.Select(e => e.ToJsonString())));
    }

    [Test]
    [Rule("ARCHIVE-COMMENT-SAME-ENTRY")]
    public async Task An_archive_comment_sits_in_the_archives_own_history_entry_beside_the_status_change()
    {
        var world = await ProvisionOneAsync();
        const string comment = "Discarded: the source table was dropped";

        var response = (await DeleteAsync(As("member-author"), world["a"].Id, "?archive=true&status=Discarded", $$"""{"comment": "{{comment}}"}""")).ShouldSucceed("archiving with a comment");

        var entries = await HistoryEntriesAsync(world["a"]);
        var archive = entries.FirstOrDefault(e => Read.After(e, "status") == "Discarded");
        Precondition(archive is not null, "the archive appearing in history as a status change", "HISTORY-RECORDS-CHANGES");
        Precondition(entries.Any(e => e.ToJsonString().Contains(comment, StringComparison.Ordinal)), "the comment being posted to the history", "ARCHIVE-COMMENT-IN-HISTORY");
        Read.After(archive!, "comment").Should().Be(comment, "the archive's history entry holds the comment as [null, text] under comment: {0} ({1})", archive!.ToJsonString(), response);
    }

    [Test]
    [Rule("ARCHIVE-COMMENT-IN-COMMENTS")]
    public async Task An_archive_comment_is_posted_as_a_comment_by_the_caller()
    {
        var world = await ProvisionOneAsync();
        const string comment = "Duplicate of the nightly load failure";

        var response = (await DeleteAsync(As("member-author"), world["a"].Id, "?archive=true&status=Duplicate", $$"""{"comment": "{{comment}}"}""")).ShouldSucceed("archiving with a comment");

        var posted = (await CommentListAsync(world["a"])).Where(c => Read.CommentText(c) == comment).ToList();
        posted.Should().ContainSingle("the archive comment is posted once among the comments: {0}", response);
        Read.CommentUserId(posted[0]).Should().Be(As("member-author").UserId, "the comment is authored by the caller");
    }

    [Test]
    [Rule("ARCHIVE-MENTIONS-RECORDED")]
    public async Task An_archive_comment_with_mentions_is_posted_with_those_user_ids()
    {
        var world = await ProvisionOneAsync();
        long[] mentioned = [As("member-viewer").UserId!.Value, As("member-editor").UserId!.Value];
        const string comment = "Invalid: test data, cc the owners";

        var response = (await DeleteAsync(As("member-author"), world["a"].Id, "?archive=true&status=Invalid",
            $$"""{"comment": "{{comment}}", "mentioned_user_ids": [{{string.Join(", ", mentioned)}}]}""")).ShouldSucceed("archiving with a comment and mentions");

        var posted = (await CommentListAsync(world["a"])).FirstOrDefault(c => Read.CommentText(c) == comment);
        Precondition(posted is not null, "the archive comment being posted", "ARCHIVE-COMMENT-IN-COMMENTS");
        Read.Mentions(posted!).Should().BeEquivalentTo(mentioned, "the comment records who was mentioned: {0}", response);
    }

    [Test]
    [Rule("ARCHIVE-MENTIONS-UNKNOWN-USER")]
    public async Task Mentioning_a_user_that_does_not_exist_is_rejected_and_nothing_is_archived()
    {
        const long nobody = 8_999_999_999;
        var world = await ProvisionAsync(b => b.Anomaly("single").Anomaly("bulk"));
        var before = await StatesAsync(world);

        var single = await DeleteAsync(As("member-author"), world["single"].Id, "?archive=true&status=Resolved", $$"""{"comment": "cc", "mentioned_user_ids": [{{nobody}}]}""");
        var bulk = await BulkDeleteAsync(As("member-author"), $$"""[{"id": {{world["bulk"].Id}}, "archive": true, "status": "Resolved", "comment": "cc", "mentioned_user_ids": [{{nobody}}]}]""");

        single.ShouldHaveStatus(422, $"for a mention of user {nobody}, who does not exist").ShouldHaveDetail();
        bulk.ShouldHaveStatus(422, $"for a bulk entry mentioning user {nobody}");
        await ShouldBeUnchangedAsync(world, before, $"no anomaly is archived ({single.Summary}; {bulk.Summary})");
    }

    [Test]
    [Rule("ARCHIVE-ALREADY-ARCHIVED")]
    public async Task Archiving_an_archived_anomaly_answers_409_and_changes_nothing()
    {
        var world = await ProvisionAsync(b => b.Anomaly("single", new() { Status = "Resolved" }).Anomaly("bulk", new() { Status = "Duplicate" }));
        var before = await StatesAsync(world);

        (await DeleteAsync(As("member-author"), world["single"].Id, "?archive=true&status=Duplicate")).ShouldHaveStatus(409, "for archiving an anomaly that is already Resolved").ShouldHaveDetail();
        (await BulkDeleteAsync(As("member-author"), $$"""[{"id": {{world["bulk"].Id}}, "archive": true, "status": "Invalid"}]""")).ShouldHaveStatus(409, "for a bulk archive of an anomaly already Duplicate");

        await ShouldBeUnchangedAsync(world, before, "the refused archive, single or bulk, changes nothing and adds no history");
    }

    [Test]
    [Rule("ARCHIVE-DELETE-NO-CONTENT")]
    public async Task Archive_and_hard_delete_single_and_bulk_answer_204_without_a_body()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("archive")
            .Anomaly("hard-delete", new() { Status = "Resolved" })
            .Anomaly("bulk-archive")
            .Anomaly("bulk-hard-delete", new() { Status = "Discarded" }));
        var author = As("member-author");

        var answers = new[]
        {
            await DeleteAsync(author, world["archive"].Id, "?archive=true&status=Resolved"),
            await DeleteAsync(author, world["hard-delete"].Id, "?archive=false"),
            await BulkDeleteAsync(author, $$"""[{"id": {{world["bulk-archive"].Id}}, "archive": true, "status": "Invalid"}]"""),
            await BulkDeleteAsync(author, $$"""[{"id": {{world["bulk-hard-delete"].Id}}, "archive": false}]"""),
        };

        foreach (var answer in answers)
        {
            answer.ShouldHaveStatus(204, "for a successful archive or hard delete: No Content");
            answer.Body.Should().BeEmpty("a 204 carries no body: {0}", answer);
        }
    }

    [Test]
    [Rule("LIST-DEFAULT-EXCLUDES-ARCHIVED")]
    public async Task An_anomaly_archived_through_the_api_leaves_the_default_list()
    {
        var world = await ProvisionAsync(b => b.Anomaly("archived").Anomaly("open"));
        (await DeleteAsync(As("member-author"), world["archived"].Id, "?archive=true&status=Resolved")).ShouldSucceed("archiving one of the two");
        Precondition((await SnapshotAsync(world["archived"])).Status() == "Resolved", "the archive being applied", "ARCHIVE-SETS-STATUS");

        var list = (await ListAsync(As("member-viewer"), ("datastore", world.DatastoreId))).ShouldSucceed("listing the datastore");

        list.ListItems().Select(a => a.Id()).Should().Equal([world["open"].Id], "the archived anomaly leaves the default list: {0}", list);
    }

    private static async Task ArchiveAcknowledgedAsAsync(string status)
    {
        var world = await ProvisionOneAsync(new() { Status = "Acknowledged" });

        var response = (await DeleteAsync(As("member-author"), world["a"].Id, $"?archive=true&status={status}")).ShouldSucceed($"archiving an Acknowledged anomaly as {status}");

        (await SnapshotAsync(world["a"])).Status().Should().Be(status, "archiving as {0} leaves the anomaly {0}: {1}", status, response);
    }
}
