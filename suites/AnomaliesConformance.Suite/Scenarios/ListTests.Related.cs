using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Scenarios;

public sealed partial class ListTests
{
    /// <summary>A fingerprint of this run and test only (random fingerprints of other anomalies are far larger).</summary>
    private static long RunFingerprint() => 1_000_000_000_000L + StableSeed.For(Run.Settings.Seed, TestContext.CurrentContext.Test.FullName);

    [Test]
    [Rule("LIST-RELATED-TO-ID")]
    public async Task Related_to_id_returns_the_visible_anomalies_sharing_the_fingerprint_in_every_datastore()
    {
        var fingerprint = RunFingerprint();
        var world = await ProvisionAsync(b => b
            .Anomaly("given", new() { Fingerprint = fingerprint })
            .Anomaly("twin", new() { Fingerprint = fingerprint })
            .Anomaly("stranger", new() { Fingerprint = fingerprint + 1 }));
        var elsewhere = await ProvisionAsync(b => b.Anomaly("far-twin", new() { Fingerprint = fingerprint }));

        // Not scoped to a datastore: related anomalies are looked for everywhere the caller can see.
        var response = (await ListAsync(Viewer, ("related_to_id", world["given"].Id), ("size", 100))).ShouldSucceed("listing related anomalies");

        var items = response.ListItems().ToList();
        items.Select(a => a.Id()).Should().Contain([world["twin"].Id, elsewhere["far-twin"].Id], "anomalies sharing the fingerprint, in any datastore, are related: {0}", response);
        items.Select(a => Read.RequiredValue(a, "fingerprint", "a related anomaly", response).ToJsonString().Trim('"')).Should().OnlyContain(
            f => f == fingerprint.ToString(System.Globalization.CultureInfo.InvariantCulture), "no anomaly with another fingerprint is related: {0}", response);
    }

    [Test]
    [Rule("LIST-RELATED-EXCLUDES-SELF")]
    public async Task Related_to_id_does_not_return_the_anomaly_itself()
    {
        var fingerprint = RunFingerprint();
        var world = await ProvisionAsync(b => b
            .Anomaly("given", new() { Fingerprint = fingerprint })
            .Anomaly("twin", new() { Fingerprint = fingerprint }));
        // A profile may declare that the anomaly itself is related too (rules.yaml, profile_key related_includes_self).
        string[] expected = Run.Expectation("related_includes_self") == "true" ? ["given", "twin"] : ["twin"];

        await ShouldListExactlyAsync(world, expected, "related_to_id=<given> returns the others sharing its fingerprint", ("related_to_id", world["given"].Id));
    }

    [Test]
    [Rule("LIST-RELATED-UNKNOWN-404")]
    public async Task Related_to_id_naming_no_anomaly_is_answered_404()
    {
        var world = await ProvisionOneAsync();
        // Far beyond any id this run creates, or a deployment holds.
        var unknown = world["a"].Id + 1_000_000_000L;

        (await ListAsync(Viewer, [.. InDatastores(world), ("related_to_id", unknown)])).ShouldHaveStatus(404, $"for related_to_id={unknown}, which names no anomaly");
    }
}
