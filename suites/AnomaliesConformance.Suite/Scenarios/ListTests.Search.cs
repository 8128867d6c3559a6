using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core.Provisioning;

namespace AnomaliesConformance.Suite.Scenarios;

public sealed partial class ListTests
{
    [Test]
    [Rule("LIST-SEARCH-MESSAGE")]
    public async Task Search_matches_a_substring_of_any_failed_check_message_and_nothing_else()
    {
        // "zebra" holds letters that are not hex digits, so no id or uuid can contain it. The description and the
        // tag that hold it are not the anomaly's message. On existing anomalies the terms are words of their own
        // messages and descriptions, read back (FailedCheckTerms): held by one anomaly, lacked by another.
        var world = await ProvisionAsync(b => b
            .Anomaly("first-check", Checks(Check(message: "zebra crossing blocked")))
            .Anomaly("second-check", Checks(Check(message: "orders arrive late"), Check(id: 2, message: "a zebra in the warehouse")))
            .Anomaly("description-only", new() { Description = "zebra in the description", FailedChecks = [Check(message: "lion escaped")] })
            .Anomaly("tag-only", new() { Tags = ["zebra-tag"], FailedChecks = [Check(message: "tiger asleep")] })
            .Anomaly("no-match", Checks(Check(message: "lion escaped")))
            .OnExisting(ExistingNeeds.SearchableMessages));
        var anomalies = await ReadBackAsync(world);
        var traits = anomalies.Select(a => a.Traits).ToList();
        var message = Derived(FailedCheckTerms.MessageTerm(traits), ExistingNeeds.SearchableMessages);
        var spanning = Derived(FailedCheckTerms.SpanningTerm(traits), ExistingNeeds.SearchableMessages);
        var described = Derived(FailedCheckTerms.DescriptionTerm(traits), ExistingNeeds.SearchableMessages);

        foreach (var (term, because) in new[] { (message, "matches the failed checks' messages, not descriptions or tags"), (described, "does not match a description"), (spanning, "matches a substring spanning words") }.DistinctBy(t => t.Item1))
        {
            await ShouldListExactlyAsync(world, KeysWhere(anomalies, a => FailedCheckTerms.Finds(a, term)), $"search={term} {because}", ("search", term));
        }
    }

    [Test]
    [Rule("LIST-SEARCH-CASE-INSENSITIVE")]
    public async Task Search_matches_messages_regardless_of_case()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("upper-case", Checks(Check(message: "ZEBRA crossing blocked")))
            .Anomaly("lower-case", Checks(Check(message: "a zebra in the warehouse")))
            .Anomaly("no-match", Checks(Check(message: "lion escaped")))
            .OnExisting(ExistingNeeds.SearchableInAnotherCase));
        var anomalies = await ReadBackAsync(world);
        var (word, term) = Derived(FailedCheckTerms.CaseChanged([.. anomalies.Select(a => a.Traits)]), ExistingNeeds.SearchableInAnotherCase);
        var sameCase = KeysWhere(anomalies, a => a.FailedCheckList.Any(c => c.Message?.Contains(word, StringComparison.Ordinal) == true));
        var (found, _, answer) = await ListOwnAsync(world, "searching in the messages' own case", ("search", word));
        ResponseAssertions.Precondition(sameCase.All(found.Contains), $"search={word} finding the messages that spell it so", "LIST-SEARCH-MESSAGE", answer);

        await ShouldListExactlyAsync(world, KeysWhere(anomalies, a => FailedCheckTerms.Finds(a, term)), $"search={term} matches messages holding {word} case-insensitively", ("search", term));
    }

    [Test]
    [Rule("LIST-SEARCH-ID")]
    public async Task Search_finds_an_anomaly_by_its_id_or_its_uuid()
    {
        // Messages without digits, so only the id or the uuid can match a numeric search (on existing anomalies
        // the expectations are what their own ids, uuids and messages read back hold).
        var world = await ProvisionAsync(b => b
            .Anomaly("a", Checks(Check(message: "no value where one was due")))
            .Anomaly("b", Checks(Check(message: "no value where one was due")))
            .Anomaly("c", Checks(Check(message: "no value where one was due")))
            .OnExisting(ExistingNeeds.SearchableIds));
        var a = world["a"];

        var (byId, _, byIdAnswer) = await ListOwnAsync(world, "searching by numeric id", ("search", a.Id));
        byId.Should().Contain("a", "search finds an anomaly by its decimal id: {0}", byIdAnswer);
        // "Substring match on the anomaly message or ID": a part of the id finds it too. The part is a proper
        // part of one of the world's ids that the anomaly's uuid does not hold, so only the id can match it.
        // Ids of one digit have no proper part: a target that has just started gets a dozen more anomalies
        // (existing anomalies are what they are: their need asks for an id of two digits).
        var searched = world;
        for (var attempt = 0; attempt < 3 && !world.IsExisting && !searched.Anomalies.Values.Any(p => FailedCheckTerms.ProperPartOfId(p.Id, p.Uuid) is not null); attempt++)
        {
            searched = await ProvisionAsync(b =>
            {
                for (var i = 0; i < 12; i++)
                {
                    b.Anomaly("more" + i, Checks(Check(message: "no value where one was due")));
                }
            });
        }

        var (key, part) = searched.Anomalies.Values.Select(p => (p.Key, Part: FailedCheckTerms.ProperPartOfId(p.Id, p.Uuid))).FirstOrDefault(p => p.Part is not null);
        ResponseAssertions.Precondition(part is not null, "an id with a proper part its uuid does not hold", "the ids the target assigns");
        var (byPart, _, byPartAnswer) = await ListOwnAsync(searched, "searching by a part of a numeric id", ("search", part!));
        byPart.Should().Contain(key, "search={0} is a substring of the id of anomaly {1}: {2}", part, key, byPartAnswer);

        var anomalies = await ReadBackAsync(world);
        foreach (var (uuid, because) in new[] { (a.Uuid, "search by the whole uuid"), (a.Uuid[9..23], "search by a part of the uuid") })
        {
            await ShouldListExactlyAsync(world, KeysWhere(anomalies, t => FailedCheckTerms.Finds(t, uuid)), because, ("search", uuid));
        }
    }
}
