using AnomaliesConformance.Core.Running;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.Suite.Scenarios;

public sealed partial class ListTests
{
    [Test]
    [Rule("LIST-SEARCH-MESSAGE")]
    public async Task Search_matches_a_substring_of_any_failed_check_message_regardless_of_case()
    {
        // "zebra" holds letters that are not hex digits, so no id or uuid can contain it.
        var world = await ProvisionAsync(b => b
            .Anomaly("upper-case", Checks(Check(message: "ZEBRA crossing blocked")))
            .Anomaly("second-check", Checks(Check(message: "orders arrive late"), Check(id: 2, message: "a zebra in the warehouse")))
            .Anomaly("no-match", Checks(Check(message: "lion escaped"))));

        await ShouldListExactlyAsync(world, ["upper-case", "second-check"], "search=Zebra matches messages case-insensitively", ("search", "Zebra"));
        await ShouldListExactlyAsync(world, ["upper-case"], "search matches a substring spanning words", ("search", "zebra cross"));
    }

    [Test]
    [Rule("LIST-SEARCH-ID")]
    public async Task Search_finds_an_anomaly_by_its_id_or_its_uuid()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b").Anomaly("c"));
        var a = world["a"];

        var byId = (await ListAsync(Viewer, ("datastore", world.DatastoreId), ("search", a.Id))).ShouldHaveStatus(200, "searching by numeric id");
        KeysOf(world, byId).Should().Contain("a", "search matches a substring of the decimal id: {0}", byId);

        await ShouldListExactlyAsync(world, ["a"], "search by the whole uuid", ("search", a.Uuid));
        await ShouldListExactlyAsync(world, ["a"], "search by a part of the uuid", ("search", a.Uuid[9..23]));
    }
}
