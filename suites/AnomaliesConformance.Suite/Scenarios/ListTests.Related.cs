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
        var world = await ProvisionAsync(b => b
            .Anomaly("given", new() { Fingerprint = RunFingerprint() })
            .Anomaly("twin", new() { Fingerprint = RunFingerprint() })
            .Anomaly("stranger", new() { Fingerprint = RunFingerprint() + 1 })
            .OnExisting(ExistingNeeds.SharedFingerprint));
        // The fingerprint as the target reads it back: on existing data nobody chose it.
        var given = await SnapshotAsync(world["given"]);
        var fingerprint = Read.RequiredInteger(given, "fingerprint", "the given anomaly");
        var datastore = Read.RefId(given, "datastore");
        var elsewhere = await ProvisionAsync(b => b
            .Anomaly("far-twin", new() { Fingerprint = fingerprint })
            .OnExisting(ExistingNeeds.FingerprintElsewhere(fingerprint, datastore)));

        // Not scoped to a datastore: related anomalies are looked for everywhere the caller can see.
        var walk = await Read.WalkAsync(Api, Viewer, "/api/anomalies" + Query.String(("related_to_id", world["given"].Id)), 100, Read.ListEnvelopeRule);

        var items = walk.Items;
        items.Select(a => a.Id()).Should().Contain([world["twin"].Id, elsewhere["far-twin"].Id], "anomalies sharing the fingerprint, in any datastore, are related: {0}", walk.Answers[0]);
        items.Select(a => Read.RequiredInteger(a, "fingerprint", "a related anomaly", walk.Answers[0])).Should().OnlyContain(
            f => f == fingerprint, "no anomaly with another fingerprint than {0} is related: {1}", fingerprint, walk.Answers[0]);
    }

    [Test]
    [Rule("LIST-RELATED-EXCLUDES-SELF")]
    public async Task Related_to_id_does_not_return_the_anomaly_itself()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("given", new() { Fingerprint = RunFingerprint() })
            .Anomaly("twin", new() { Fingerprint = RunFingerprint() })
            .Anomaly("stranger", new() { Fingerprint = RunFingerprint() + 1 })
            .OnExisting(ExistingNeeds.SharedFingerprint));
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
