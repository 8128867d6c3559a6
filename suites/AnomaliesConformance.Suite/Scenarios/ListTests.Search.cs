using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Scenarios;

public sealed partial class ListTests
{
    [Test]
    [Rule("LIST-SEARCH-MESSAGE")]
    public async Task Search_matches_a_substring_of_any_failed_check_message_and_nothing_else()
    {
        // "zebra" holds letters that are not hex digits, so no id or uuid can contain it. The description and the
        // tag that hold it are not the anomaly's message.
        var world = await ProvisionAsync(b => b
            .Anomaly("first-check", Checks(Check(message: "zebra crossing blocked")))
            .Anomaly("second-check", Checks(Check(message: "orders arrive late"), Check(id: 2, message: "a zebra in the warehouse")))
            .Anomaly("description-only", new() { Description = "zebra in the description", FailedChecks = [Check(message: "lion escaped")] })
            .Anomaly("tag-only", new() { Tags = ["zebra-tag"], FailedChecks = [Check(message: "tiger asleep")] })
            .Anomaly("no-match", Checks(Check(message: "lion escaped"))));

        await ShouldListExactlyAsync(world, ["first-check", "second-check"], "search=zebra matches the failed checks' messages, not descriptions or tags", ("search", "zebra"));
        await ShouldListExactlyAsync(world, ["first-check"], "search matches a substring spanning words", ("search", "zebra cross"));
    }

    [Test]
    [Rule("LIST-SEARCH-CASE-INSENSITIVE")]
    public async Task Search_matches_messages_regardless_of_case()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("upper-case", Checks(Check(message: "ZEBRA crossing blocked")))
            .Anomaly("lower-case", Checks(Check(message: "a zebra in the warehouse")))
            .Anomaly("no-match", Checks(Check(message: "lion escaped"))));
        var sameCase = (await ListAsync(Viewer, ("datastore", world.DatastoreId), ("search", "zebra"))).ShouldSucceed("searching in the messages' own case");
        ResponseAssertions.Precondition(KeysOf(world, sameCase).Contains("lower-case"), "search finding a message in its own case", "LIST-SEARCH-MESSAGE", sameCase);

        await ShouldListExactlyAsync(world, ["upper-case", "lower-case"], "search=Zebra matches messages case-insensitively", ("search", "Zebra"));
    }

    [Test]
    [Rule("LIST-SEARCH-ID")]
    public async Task Search_finds_an_anomaly_by_its_id_or_its_uuid()
    {
        // Messages without digits, so only the id or the uuid can match a numeric search.
        var world = await ProvisionAsync(b => b
            .Anomaly("a", Checks(Check(message: "no value where one was due")))
            .Anomaly("b", Checks(Check(message: "no value where one was due")))
            .Anomaly("c", Checks(Check(message: "no value where one was due"))));
        var a = world["a"];

        var byId = (await ListAsync(Viewer, ("datastore", world.DatastoreId), ("search", a.Id))).ShouldSucceed("searching by numeric id");
        KeysOf(world, byId).Should().Contain("a", "search finds an anomaly by its decimal id: {0}", byId);
        // "Substring match on the anomaly message or ID": a part of the id finds it too. The part is a proper
        // part of one of the world's ids that the anomaly's uuid does not hold, so only the id can match it.
        // Ids of one digit have no proper part: a target that has just started gets a dozen more anomalies.
        var searched = world;
        for (var attempt = 0; attempt < 3 && !searched.Anomalies.Values.Any(p => ProperPartOfIdNotIn(p.Id, p.Uuid) is not null); attempt++)
        {
            searched = await ProvisionAsync(b =>
            {
                for (var i = 0; i < 12; i++)
                {
                    b.Anomaly("more" + i, Checks(Check(message: "no value where one was due")));
                }
            });
        }

        var (key, part) = searched.Anomalies.Values.Select(p => (p.Key, Part: ProperPartOfIdNotIn(p.Id, p.Uuid))).FirstOrDefault(p => p.Part is not null);
        ResponseAssertions.Precondition(part is not null, "an id with a proper part its uuid does not hold", "the ids the target assigns");
        var byPart = (await ListAsync(Viewer, ("datastore", searched.DatastoreId), ("search", part!))).ShouldSucceed("searching by a part of a numeric id");
        KeysOf(searched, byPart).Should().Contain(key, "search={0} is a substring of the id of anomaly {1}: {2}", part, key, byPart);

        await ShouldListExactlyAsync(world, ["a"], "search by the whole uuid", ("search", a.Uuid));
        await ShouldListExactlyAsync(world, ["a"], "search by a part of the uuid", ("search", a.Uuid[9..23]));
    }

    /// <summary>The longest proper part of an id's digits that the uuid does not contain, or null.</summary>
    private static string? ProperPartOfIdNotIn(long id, string uuid)
    {
        var digits = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Enumerable.Range(1, Math.Max(0, digits.Length - 1)).Reverse()
            .SelectMany(length => Enumerable.Range(0, digits.Length - length + 1).Select(start => digits.Substring(start, length)))
            .FirstOrDefault(p => !uuid.Contains(p, StringComparison.OrdinalIgnoreCase));
    }
}
