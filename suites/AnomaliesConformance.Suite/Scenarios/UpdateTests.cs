using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Scenarios;

/// <summary>Partial updates through PUT and PATCH: only the fields sent change.</summary>
[OnExistingData]
[Effect(CheckEffect.ReversibleWrite)]
public sealed class UpdateTests : ConformanceTest
{
    private static readonly string[] Fields = ["status", "description", "tags", "assignee_ids"];

    [TestCase("status", "PUT")]
    [TestCase("description", "PUT")]
    [TestCase("tags", "PUT")]
    [TestCase("assignee_ids", "PUT")]
    [TestCase("status", "PATCH")]
    [TestCase("description", "PATCH")]
    [TestCase("tags", "PATCH")]
    [TestCase("assignee_ids", "PATCH")]
    [Rule("UPDATE-OMITTED-UNTOUCHED")]
    public async Task A_field_changed_alone_leaves_the_other_writable_fields_untouched(string field, string method)
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("a", new() { Status = "Active", Description = "keep me", Tags = ["Keep"], Assignees = ["member-viewer"] })
            .Tag("New"));
        var anomaly = world["a"];
        var before = await SnapshotAsync(anomaly);
        var value = field switch
        {
            "status" => "\"Acknowledged\"",
            "description" => "\"changed alone\"",
            "tags" => $"[\"{world.Tag("New")}\"]",
            _ => $"[{As("member-editor").UserId}]",
        };

        // An Editor, so a description may be sent; the write's permission is not this rule's business.
        var response = method == "PUT"
            ? await PutAsync(As("member-editor"), anomaly.Id, $$"""{"{{field}}": {{value}}}""")
            : await PatchAsync(As("member-editor"), $$"""[{"id": {{anomaly.Id}}, "{{field}}": {{value}}}]""");
        response.ShouldSucceed($"for a {method} carrying only {field}");

        var after = await SnapshotAsync(anomaly);
        Precondition(!JsonNode.DeepEquals(Field(after, field), Field(before, field)), $"the {field} sent being applied", "the rule of that field");
        foreach (var other in Fields.Where(f => f != field))
        {
            JsonDiff.FirstDifference(Field(before, other), Field(after, other)).Should().BeNull("{0} was omitted from the {1}, so it is left untouched: {2}", other, method, response);
        }
    }

    [Test]
    [Rule("UPDATE-EMPTY-BODY-NOOP")]
    public async Task A_put_with_an_empty_object_changes_nothing_and_adds_no_history()
    {
        var anomaly = await MutableAnomalyAsync(new() { Tags = ["Keep"], Assignees = ["member-viewer"] });
        var before = await StateAsync(anomaly);

        var response = (await PutAsync(As("member-author"), anomaly.Id, "{}")).ShouldSucceed("for an empty body: nothing to change is not an error");

        await ShouldBeUnchangedAsync(anomaly, before, $"an empty PUT changes nothing and adds no history entry ({response.Summary})");
    }

    [Test]
    [Rule("UPDATE-DESCRIPTION")]
    public async Task A_description_sent_by_an_editor_is_the_one_later_reads_return()
    {
        // One anomaly, written twice: the check also runs on a profile manifest's mutable anomaly.
        var anomaly = await MutableAnomalyAsync();
        // Longer than 255 characters and beyond ASCII: a business description is free text.
        var viaPut = "Investigating with the data engineering team: " + string.Concat(Enumerable.Repeat("Kundennummer fehlt bei neuen Bestellungen, prüfen ✓ ", 6));
        var viaPatch = "Bulk: " + string.Concat(Enumerable.Repeat("données manquantes côté entrepôt — 調査中; ", 8));

        var put = (await PutAsync(As("member-editor"), anomaly.Id, $$"""{"description": {{JsonValue.Create(viaPut).ToJsonString()}}}""")).ShouldSucceed("for an Editor's PUT");
        (await SnapshotAsync(anomaly)).Description().Should().Be(viaPut, "the description sent by PUT is read back whole: {0}", put);
        var patch = (await PatchAsync(As("member-editor"), $$"""[{"id": {{anomaly.Id}}, "description": {{JsonValue.Create(viaPatch).ToJsonString()}}}]""")).ShouldSucceed("for an Editor's PATCH");
        (await SnapshotAsync(anomaly)).Description().Should().Be(viaPatch, "the description sent in a PATCH entry is read back whole: {0}", patch);
    }

    [Test]
    [Rule("UPDATE-PUT-RETURNS-ANOMALY")]
    public async Task A_successful_put_answers_the_updated_anomaly_as_a_following_get_returns_it()
    {
        var world = await ProvisionOneAsync(new() { Assignees = ["member-viewer"] });
        var anomaly = world["a"];

        var response = (await PutAsync(As("member-author"), anomaly.Id, $$"""{"status": "Acknowledged", "assignee_ids": [{{As("member-author").UserId}}, {{As("member-editor").UserId}}]}"""))
            .ShouldSucceed("for a PUT by an Author");

        JsonDiff.FirstDifference(await SnapshotAsync(anomaly), response.Object).Should().BeNull("PUT answers the updated anomaly, equal to a following GET: {0}", response);
    }

    private static JsonNode? Field(JsonObject anomaly, string field) => field switch
    {
        "status" => JsonValue.Create(anomaly.Status()),
        "description" => JsonValue.Create(anomaly.Description()),
        "tags" => new JsonArray(anomaly.TagNames().Select(n => (JsonNode?)n).ToArray()),
        _ => new JsonArray(anomaly.AssigneeIds().Select(i => (JsonNode?)i).ToArray()),
    };
}
