using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Scenarios;

[OnExistingData]
[Effect(CheckEffect.Read)]
public sealed class CommentTests : ConformanceTest
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T1 = T0.AddMinutes(5);
    private static readonly DateTimeOffset T2 = T0.AddMinutes(10);
    private static readonly DateTimeOffset T3 = T0.AddMinutes(15).AddTicks(4_560);

    [Test]
    [Rule("COMMENTS-NEWEST-FIRST")]
    public async Task Comments_are_returned_newest_first()
    {
        var world = await CommentedAnomalyAsync();

        var response = (await CommentsAsync(As("member-viewer"), world["a"].Id)).ShouldSucceed("reading comments as a Viewer");

        Texts(response).Should().Equal(["fourth", "third", "second", "first"], "comments come newest first: {0}", response);
    }

    [Test]
    [Rule("COMMENTS-START-INCLUSIVE")]
    public async Task Start_date_includes_a_comment_created_exactly_at_it()
    {
        var world = await CommentedAnomalyAsync();

        var response = (await CommentsAsync(As("member-viewer"), world["a"].Id, Query.String(("start_date", WorldBuilder.Timestamp(T1)))))
            .ShouldSucceed("reading comments from T1");

        Texts(response).Should().BeEquivalentTo(["fourth", "third", "second"], "start_date is inclusive, so the comment created at T1 is in: {0}", response);
    }

    [Test]
    [Rule("COMMENTS-END-EXCLUSIVE")]
    public async Task End_date_excludes_a_comment_created_exactly_at_it()
    {
        var world = await CommentedAnomalyAsync();

        var response = (await CommentsAsync(As("member-viewer"), world["a"].Id, Query.String(("end_date", WorldBuilder.Timestamp(T1)))))
            .ShouldSucceed("reading comments before T1");

        Texts(response).Should().BeEquivalentTo(["first"], "end_date is exclusive, so the comment created at T1 is out: {0}", response);
    }

    [Test]
    [Rule("COMMENTS-BACK-TO-BACK")]
    public async Task Back_to_back_windows_split_at_a_comments_timestamp_have_no_overlap_and_no_gap()
    {
        var world = await CommentedAnomalyAsync();
        var id = world["a"].Id;
        var viewer = As("member-viewer");
        // The split is exactly T2, a comment's timestamp (to the microsecond), the case where overlap or gap would show.
        var (a, b, c) = (WorldBuilder.Timestamp(T0.AddMinutes(-1)), WorldBuilder.Timestamp(T2), WorldBuilder.Timestamp(T3.AddMinutes(1)));
        var fromSplit = Texts(await CommentsAsync(viewer, id, Query.String(("start_date", b))));
        var untilSplit = Texts(await CommentsAsync(viewer, id, Query.String(("end_date", b))));
        Precondition(fromSplit.Contains("third") && !untilSplit.Contains("third"), "start_date alone including, and end_date alone excluding, the comment at the bound", "COMMENTS-START-INCLUSIVE or COMMENTS-END-EXCLUSIVE");

        var first = (await CommentsAsync(viewer, id, Query.String(("start_date", a), ("end_date", b)))).ShouldSucceed("reading [a, b)");
        var second = (await CommentsAsync(viewer, id, Query.String(("start_date", b), ("end_date", c)))).ShouldSucceed("reading [b, c)");
        var whole = (await CommentsAsync(viewer, id, Query.String(("start_date", a), ("end_date", c)))).ShouldSucceed("reading [a, c)");

        Texts(first).Intersect(Texts(second)).Should().BeEmpty("back-to-back windows do not overlap: {0}\n{1}", first, second);
        Texts(first).Concat(Texts(second)).Should().BeEquivalentTo(Texts(whole), "together they return exactly the comments of [a, c), with no gap: {0}", whole);
    }

    [Test]
    [Rule("COMMENTS-DELETED-HIDDEN")]
    public async Task Deleted_comments_are_absent_by_default_and_with_include_deleted_false()
    {
        var world = await CommentedAnomalyAsync(withDeleted: true);

        foreach (var query in new[] { "", "?include_deleted=false" })
        {
            var response = (await CommentsAsync(As("member-viewer"), world["a"].Id, query)).ShouldSucceed("reading comments" + query);
            Texts(response).Should().NotContain("withdrawn", "a deleted comment is hidden unless include_deleted=true: {0}", response);
            Texts(response).Should().Contain("first", "the comments that were not deleted are listed: {0}", response);
        }
    }

    [Test]
    [Rule("COMMENTS-INCLUDE-DELETED")]
    public async Task Include_deleted_returns_the_deleted_comments_as_well_as_the_others()
    {
        var world = await CommentedAnomalyAsync(withDeleted: true);

        var response = (await CommentsAsync(As("member-viewer"), world["a"].Id, "?include_deleted=true")).ShouldSucceed("reading comments with include_deleted=true");

        // How a deleted comment is marked is the comments shape's business (CONTRACT-RESPONSE-SCHEMA); the page promises it is included.
        Texts(response).Should().BeEquivalentTo(["first", "second", "third", "fourth", "withdrawn"], "include_deleted=true adds the deleted comment: {0}", response);
    }

    [TestCase("start_date", "yesterday")]
    [TestCase("end_date", "2026-13-45T25:61:00Z")]
    [Rule("COMMENTS-INVALID-DATE")]
    public async Task A_date_bound_that_is_not_an_iso_8601_date_time_is_answered_422(string parameter, string value)
    {
        var world = await CommentedAnomalyAsync();

        (await CommentsAsync(As("member-viewer"), world["a"].Id, Query.String((parameter, value))))
            .ShouldHaveStatus(422, $"for {parameter}={value}, which is not an ISO 8601 date-time").ShouldHaveDetail();
    }

    /// <summary>
    /// Four comments created at T0 &lt; T1 &lt; T2 &lt; T3, provisioned out of time order so their ids do not follow
    /// their creation: an order by id is not taken for an order by created.
    /// </summary>
    private static Task<World> CommentedAnomalyAsync(bool withDeleted = false) =>
        ProvisionOneAsync(new()
        {
            Comments =
            [
                new CommentSpec("member-viewer", "third", T2),
                new CommentSpec("member-viewer", "first", T0),
                new CommentSpec("member-editor", "fourth", T3),
                new CommentSpec("member-author", "second", T1),
                .. withDeleted ? [new CommentSpec("member-author", "withdrawn", T1.AddMinutes(1), Deleted: true)] : Array.Empty<CommentSpec>(),
            ],
        });

    private static List<string> Texts(ApiResponse response) =>
        response.ShouldSucceed("reading comments").Comments().Select(Read.CommentText).ToList();
}
