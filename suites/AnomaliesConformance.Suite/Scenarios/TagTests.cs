using System.Text.Json;
using System.Text.Json.Nodes;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Scenarios;

/// <summary>tags is replace-only, written by name from the tag catalogue and read back in global_tags.</summary>
[OnExistingData]
[Effect(CheckEffect.ReversibleWrite)]
public sealed class TagTests : ConformanceTest
{
    [Test]
    [Rule("TAGS-REPLACE")]
    public async Task Put_and_patch_with_tags_replace_the_whole_set()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("put", new() { Tags = ["High", "Finance"] })
            .Anomaly("patch", new() { Tags = ["High", "Finance"] })
            .Tag("Urgent"));

        var put = (await PutAsync(As("member-author"), world["put"].Id, $$"""{"tags": ["{{world.Tag("Urgent")}}"]}""")).ShouldSucceed("for an Author replacing tags");
        var patch = (await PatchAsync(As("member-author"), $$"""[{"id": {{world["patch"].Id}}, "tags": ["{{world.Tag("Finance")}}", "{{world.Tag("Urgent")}}"]}]"""))
            .ShouldSucceed("for a PATCH entry replacing tags");

        (await SnapshotAsync(world["put"])).TagNames().Should().Equal([world.Tag("Urgent")], "tags replaces the current set: {0}", put);
        (await SnapshotAsync(world["patch"])).TagNames().Should().Equal(new[] { world.Tag("Finance"), world.Tag("Urgent") }.Order(StringComparer.Ordinal), "the tag left out is removed: {0}", patch);
    }

    [Test]
    [Rule("TAGS-CLEAR")]
    public async Task Empty_tags_clears_every_tag_through_put_and_patch()
    {
        var world = await ProvisionAsync(b => b.Anomaly("put", new() { Tags = ["High", "Finance"] }).Anomaly("patch", new() { Tags = ["High"] }));

        var put = (await PutAsync(As("member-author"), world["put"].Id, """{"tags": []}""")).ShouldSucceed("for an Author clearing tags");
        var patch = (await PatchAsync(As("member-author"), $$"""[{"id": {{world["patch"].Id}}, "tags": []}]""")).ShouldSucceed("for a PATCH entry clearing tags");

        (await SnapshotAsync(world["put"])).TagNames().Should().BeEmpty("tags [] clears the set: {0}", put);
        (await SnapshotAsync(world["patch"])).TagNames().Should().BeEmpty("a PATCH entry's tags [] clears the set: {0}", patch);
    }

    [Test]
    [Rule("TAGS-BY-NAME")]
    public async Task Tags_written_by_name_are_read_back_as_id_and_name_objects_with_exactly_those_names()
    {
        // Two catalogue tags that differ only in case: the name sent is the tag meant.
        var world = await ProvisionAsync(b => b.Anomaly("put").Anomaly("patch").Tag("urgent").Tag("Urgent").Tag("High"));
        string[] sent = [world.Tag("Urgent"), world.Tag("High")];

        var put = (await PutAsync(As("member-author"), world["put"].Id, $$"""{"tags": ["{{sent[0]}}", "{{sent[1]}}"]}""")).ShouldSucceed("writing tags by name");
        var patch = (await PatchAsync(As("member-author"), $$"""[{"id": {{world["patch"].Id}}, "tags": ["{{sent[0]}}"]}]""")).ShouldSucceed("writing tags by name in a PATCH entry");

        // The page types global_tags as Tag[] and its example shows {id, name}.
        var viaPut = await SnapshotAsync(world["put"]);
        var tags = Read.RequiredValue(viaPut, "global_tags", "the anomaly") as JsonArray;
        FailUnless(tags is not null && tags.All(t => t is JsonObject tag && AnomalyJson.IdOf(tag["id"]) is not null && tag["name"] is JsonValue), "expected global_tags to hold {id, name} objects", put);
        viaPut.TagNames().Should().BeEquivalentTo(sent, "the names read back are exactly the names written: {0}", put);
        (await SnapshotAsync(world["patch"])).TagNames().Should().Equal([sent[0]], "the PATCH entry's tag is read back by its exact name: {0}", patch);
    }

    [Test]
    [Rule("TAGS-UNKNOWN-NAME")]
    public async Task A_tag_name_missing_from_the_catalogue_is_rejected_and_nothing_changes()
    {
        var world = await ProvisionAsync(b => b.Anomaly("put", new() { Tags = ["Keep"] }).Anomaly("patch", new() { Tags = ["Keep"] }).Tag("Known"));
        var before = await StatesAsync(world);
        var unknown = world.Tag("Never-Created");

        var put = await PutAsync(As("member-author"), world["put"].Id, $$"""{"tags": ["{{world.Tag("Known")}}", "{{unknown}}"]}""");
        var patch = await PatchAsync(As("member-author"), $$"""[{"id": {{world["patch"].Id}}, "tags": ["{{unknown}}"]}]""");

        put.ShouldHaveStatus(422, $"for tags naming {unknown}, which is not in the catalogue").ShouldHaveDetail();
        patch.ShouldHaveStatus(422, $"for a PATCH entry naming {unknown}");
        await ShouldBeUnchangedAsync(world, before, $"a rejected tag write changes nothing ({put.Summary}; {patch.Summary})");
    }

    [Test]
    [Rule("TAGS-DUPLICATES-COLLAPSE")]
    public async Task A_tag_name_repeated_in_tags_is_applied_once()
    {
        var world = await ProvisionAsync(b => b.Anomaly("put").Anomaly("patch").Tag("High").Tag("Low"));

        var put = (await PutAsync(As("member-author"), world["put"].Id, $$"""{"tags": ["{{world.Tag("High")}}", "{{world.Tag("Low")}}", "{{world.Tag("High")}}"]}"""))
            .ShouldSucceed("for tags naming High twice");
        var patch = (await PatchAsync(As("member-author"), $$"""[{"id": {{world["patch"].Id}}, "tags": ["{{world.Tag("Low")}}", "{{world.Tag("Low")}}"]}]"""))
            .ShouldSucceed("for a PATCH entry naming Low twice");

        (await SnapshotAsync(world["put"])).TagNames().Should().Equal(new[] { world.Tag("High"), world.Tag("Low") }.Order(StringComparer.Ordinal), "a repeated name is applied once: {0}", put);
        (await SnapshotAsync(world["patch"])).TagNames().Should().Equal([world.Tag("Low")], "a repeated name is applied once: {0}", patch);
    }

    [Test]
    [Rule("LIST-FILTER-TAG")]
    public async Task The_tag_filter_sees_the_set_a_put_replaced()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("replaced", new() { Tags = ["Old", "Keep"] })
            .Anomaly("untouched", new() { Tags = ["Old"] })
            .Tag("New"));
        (await PutAsync(As("member-author"), world["replaced"].Id, $$"""{"tags": ["{{world.Tag("Keep")}}", "{{world.Tag("New")}}"]}""")).ShouldSucceed("replacing tags");
        Precondition((await SnapshotAsync(world["replaced"])).TagNames().SequenceEqual(new[] { world.Tag("Keep"), world.Tag("New") }.Order(StringComparer.Ordinal)),
            "the replacement being applied", "TAGS-REPLACE");

        var byOld = (await ListAsync(As("member-viewer"), ("datastore", world.DatastoreId), ("tag", world.Tag("Old")))).ShouldSucceed("filtering by the removed tag");
        var byNew = (await ListAsync(As("member-viewer"), ("datastore", world.DatastoreId), ("tag", world.Tag("New")))).ShouldSucceed("filtering by the added tag");

        byOld.ListItems().Select(a => a.Id()).Should().Equal([world["untouched"].Id], "the removed tag no longer matches the replaced anomaly: {0}", byOld);
        byNew.ListItems().Select(a => a.Id()).Should().Equal([world["replaced"].Id], "the added tag matches it: {0}", byNew);
    }
}
