using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Core.Running;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.Suite.Scenarios;

public sealed class CommentTests : ConformanceTest
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T1 = T0.AddMinutes(5);
    private static readonly DateTimeOffset T2 = T0.AddMinutes(10);

    [Test]
    [Rule("COMMENTS-NEWEST-FIRST")]
    public async Task Comments_are_returned_newest_first()
    {
        var world = await CommentedAnomalyAsync();

        var response = (await CommentsAsync(As("member-viewer"), world["a"].Id)).ShouldHaveStatus(200, "reading comments as a Viewer");

        Texts(response).Should().Equal(["third", "second", "first"], "comments come newest first: {0}", response);
    }

    [Test]
    [Rule("COMMENTS-START-INCLUSIVE")]
    public async Task Start_date_includes_a_comment_created_exactly_at_it()
    {
        var world = await CommentedAnomalyAsync();

        var response = (await CommentsAsync(As("member-viewer"), world["a"].Id, Query.String(("start_date", WorldBuilder.Timestamp(T1)))))
            .ShouldHaveStatus(200, "reading comments from T1");

        Texts(response).Should().BeEquivalentTo(["third", "second"], "start_date is inclusive, so the comment created at T1 is in: {0}", response);
    }

    [Test]
    [Rule("COMMENTS-END-EXCLUSIVE")]
    public async Task End_date_excludes_a_comment_created_exactly_at_it()
    {
        var world = await CommentedAnomalyAsync();

        var response = (await CommentsAsync(As("member-viewer"), world["a"].Id, Query.String(("end_date", WorldBuilder.Timestamp(T1)))))
            .ShouldHaveStatus(200, "reading comments before T1");

        Texts(response).Should().BeEquivalentTo(["first"], "end_date is exclusive, so the comment created at T1 is out: {0}", response);
    }

    private static Task<AnomaliesConformance.Core.Provisioning.World> CommentedAnomalyAsync() =>
        ProvisionOneAsync(new()
        {
            Comments =
            [
                new CommentSpec("member-viewer", "first", T0),
                new CommentSpec("member-author", "second", T1),
                new CommentSpec("member-viewer", "third", T2),
            ],
        });

    private static List<string?> Texts(AnomaliesConformance.Core.Http.ApiResponse response) =>
        response.Array.Select(c => c?["comment"]?.GetValue<string>()).ToList();
}
