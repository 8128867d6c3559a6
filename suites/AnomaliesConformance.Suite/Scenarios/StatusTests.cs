using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Scenarios;

/// <summary>The open-state lifecycle through PUT and PATCH; archiving goes through DELETE (ArchiveTests).</summary>
[OnExistingData]
[Effect(CheckEffect.ReversibleWrite)]
public sealed class StatusTests : ConformanceTest
{
    [TestCase("Resolved")]
    [TestCase("Duplicate")]
    [TestCase("Invalid")]
    [TestCase("Discarded")]
    [Rule("PUT-STATUS-OPEN-ONLY")]
    public async Task A_put_or_patch_with_an_archived_status_is_rejected_and_changes_nothing(string status)
    {
        var world = await ProvisionAsync(b => b.Anomaly("put").Anomaly("patch"));
        var before = await StatesAsync(world);

        // Which refusal code is ERRORS-INVALID-INPUT-422's (an enum value the body does not allow).
        (await PutAsync(As("member-author"), world["put"].Id, $$"""{"status": "{{status}}"}"""))
            .ShouldBeRefused($"for status {status}: PUT takes only Active or Acknowledged; archiving goes through DELETE");
        (await PatchAsync(As("member-author"), $$"""[{"id": {{world["patch"].Id}}, "status": "{{status}}"}]"""))
            .ShouldBeRefused($"for a PATCH entry with status {status}");

        await ShouldBeUnchangedAsync(world, before, "a rejected PUT or PATCH changes nothing");
    }

    [Test]
    [Rule("PUT-STATUS-ACKNOWLEDGE")]
    public async Task Put_and_patch_acknowledge_an_active_anomaly_of_either_type()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("record-put", new() { Type = "record" })
            .Anomaly("shape-put", new() { Type = "shape" })
            .Anomaly("record-patch", new() { Type = "record" })
            .Anomaly("shape-patch", new() { Type = "shape" }));
        var author = As("member-author");

        (await PutAsync(author, world["record-put"].Id, """{"status": "Acknowledged"}""")).ShouldSucceed("acknowledging a record anomaly by PUT");
        (await PutAsync(author, world["shape-put"].Id, """{"status": "Acknowledged"}""")).ShouldSucceed("acknowledging a shape anomaly by PUT");
        var patch = (await PatchAsync(author, $$"""
            [{"id": {{world["record-patch"].Id}}, "status": "Acknowledged"}, {"id": {{world["shape-patch"].Id}}, "status": "Acknowledged"}]
            """)).ShouldSucceed("acknowledging through PATCH");

        foreach (var key in world.Anomalies.Keys)
        {
            (await SnapshotAsync(world[key])).Status().Should().Be("Acknowledged", "{0} was Active and its status was set to Acknowledged: {1}", key, patch);
        }
    }

    [Test]
    [Rule("STATUS-ACKNOWLEDGED-TO-ACTIVE")]
    public async Task Moving_an_acknowledged_anomaly_back_to_active_is_recorded_or_judged_by_the_profile()
    {
        var world = await ProvisionAsync(b => b.Anomaly("put", new() { Status = "Acknowledged" }).Anomaly("patch", new() { Status = "Acknowledged" }));

        var put = await PutAsync(As("member-author"), world["put"].Id, """{"status": "Active"}""");
        var patch = await PatchAsync(As("member-author"), $$"""[{"id": {{world["patch"].Id}}, "status": "Active"}]""");
        var afterPut = (await SnapshotAsync(world["put"])).Status();
        var afterPatch = (await SnapshotAsync(world["patch"])).Status();

        switch (Expectation("acknowledged_to_active"))
        {
            case null:
                Observe("STATUS-ACKNOWLEDGED-TO-ACTIVE", "Acknowledged -> Active through PUT and PATCH",
                    $"PUT answered {put.Status} and left {afterPut}; PATCH answered {patch.Status} and left {afterPatch}");
                break;
            case "allowed":
                put.ShouldSucceed("for PUT status Active on an Acknowledged anomaly (profile: acknowledged_to_active=allowed)");
                patch.ShouldSucceed("for a PATCH entry with status Active on an Acknowledged anomaly (profile: allowed)");
                afterPut.Should().Be("Active", "the profile declares the move allowed: {0}", put);
                afterPatch.Should().Be("Active", "the profile declares the move allowed: {0}", patch);
                break;
            case "refused":
                put.ShouldBeRefused("for PUT status Active on an Acknowledged anomaly (profile: acknowledged_to_active=refused)");
                patch.ShouldBeRefused("for a PATCH entry with status Active on an Acknowledged anomaly (profile: refused)");
                afterPut.Should().Be("Acknowledged", "a refused move changes nothing: {0}", put);
                afterPatch.Should().Be("Acknowledged", "a refused move changes nothing: {0}", patch);
                break;
            case var other:
                Assert.Inconclusive($"--expect acknowledged_to_active={other} is not a known expectation (allowed or refused)");
                break;
        }
    }

    [Test]
    [Rule("STATUS-PUT-ON-ARCHIVED")]
    public async Task A_put_with_a_status_on_an_archived_anomaly_is_recorded_or_judged_by_the_profile()
    {
        var world = await ProvisionOneAsync(new() { Status = "Resolved" });
        var anomaly = world["a"];

        var put = await PutAsync(As("member-author"), anomaly.Id, """{"status": "Active"}""");
        var after = (await SnapshotAsync(anomaly)).Status();

        switch (Expectation("put_on_archived"))
        {
            case null:
                Observe("STATUS-PUT-ON-ARCHIVED", "PUT status Active on a Resolved anomaly", $"PUT answered {put.Status} and left the anomaly {after}");
                break;
            case "restores":
                put.ShouldSucceed("for PUT status Active on a Resolved anomaly (profile: put_on_archived=restores)");
                after.Should().Be("Active", "the profile declares that PUT restores to the status sent: {0}", put);
                break;
            case "restores-acknowledged":
                put.ShouldSucceed("for PUT status Active on a Resolved anomaly (profile: put_on_archived=restores-acknowledged)");
                after.Should().Be("Acknowledged", "the profile declares that a restore returns the anomaly to Acknowledged: {0}", put);
                break;
            case "refused":
                put.ShouldBeRefused("for PUT status Active on a Resolved anomaly (profile: put_on_archived=refused)");
                after.Should().Be("Resolved", "a refused PUT changes nothing: {0}", put);
                break;
            case var other:
                Assert.Inconclusive($"--expect put_on_archived={other} is not a known expectation (restores, restores-acknowledged or refused)");
                break;
        }
    }
}
