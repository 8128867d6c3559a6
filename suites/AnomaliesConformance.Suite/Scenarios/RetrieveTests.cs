using AnomaliesConformance.Core.Running;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.Suite.Scenarios;

public sealed class RetrieveTests : ConformanceTest
{
    [Test]
    [Rule("GET-BY-ID")]
    public async Task Get_by_numeric_id_returns_that_anomaly()
    {
        // Two neighbours, so a server that answers the wrong record is caught.
        var world = await ProvisionAsync(b => b.Anomaly("first").Anomaly("second"));
        foreach (var anomaly in world.Anomalies.Values)
        {
            var response = (await GetAnomalyAsync(As("member-viewer"), anomaly.Id)).ShouldHaveStatus(200, "for an anomaly the viewer can see");
            response.Object.Id().Should().Be(anomaly.Id, "GET /api/anomalies/{{id}} must answer the anomaly it names: {0}", response);
            response.Object["uuid"]!.GetValue<string>().Should().BeEquivalentTo(anomaly.Uuid, "the uuid belongs to the requested anomaly: {0}", response);
        }
    }

    [Test]
    [Rule("GET-BY-UUID")]
    public async Task Get_by_uuid_returns_the_same_anomaly_as_by_numeric_id()
    {
        var world = await ProvisionOneAsync();
        var anomaly = world["a"];

        var byId = (await GetAnomalyAsync(As("member-viewer"), anomaly.Id)).ShouldHaveStatus(200, "by numeric id");
        var byUuid = (await GetAnomalyAsync(As("member-viewer"), anomaly.Uuid)).ShouldHaveStatus(200, "by UUID, which {id} accepts");

        byUuid.Object.Id().Should().Be(anomaly.Id, "the UUID names anomaly {0}: {1}", anomaly.Id, byUuid);
        byUuid.Object.ToJsonString().Should().Be(byId.Object.ToJsonString(), "both forms address the same anomaly");
    }
}
