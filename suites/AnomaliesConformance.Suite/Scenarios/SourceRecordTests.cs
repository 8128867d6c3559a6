using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Core.Running;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.Suite.Scenarios;

public sealed class SourceRecordTests : ConformanceTest
{
    [Test]
    [Rule("SOURCE-RECORD-DEFAULT-LIMIT")]
    public async Task Without_a_limit_at_most_ten_rows_are_returned()
    {
        // The default fixture has twelve source rows.
        var world = await ProvisionOneAsync();

        var response = (await Api.GetAsync(As("member-viewer"), $"/api/anomalies/{world["a"].Id}/source-record")).ShouldHaveStatus(200, "reading source records");

        (response.Object["records"]?.AsArray().Count).Should().Be(10, "limit defaults to 10 and the anomaly has 12 rows: {0}", response);
    }

    [Test]
    [Rule("SOURCE-RECORD-CSV-FILENAME")]
    public async Task The_csv_download_is_named_after_the_numeric_id()
    {
        var world = await ProvisionOneAsync();
        var anomaly = world["a"];

        foreach (var address in new object[] { anomaly.Id, anomaly.Uuid })
        {
            var response = (await Api.GetAsync(As("member-viewer"), $"/api/anomalies/{address}/source-record/download")).ShouldHaveStatus(200, "downloading source records");
            var disposition = response.Header("Content-Disposition") ?? "";
            disposition.Should().Contain($"filename=source_records_{anomaly.Id}.csv", "the page names the file source_records_<id>.csv: {0}", response);
        }
    }

    [Test]
    [Rule("SOURCE-RECORD-UNMASK-NEEDS-EDITOR")]
    public async Task Include_masked_needs_editor_and_returns_raw_values()
    {
        var world = await ProvisionOneAsync();
        var path = $"/api/anomalies/{world["a"].Id}/source-record";

        (await Api.GetAsync(As("member-viewer"), path + "?include_masked=true")).ShouldHaveStatus(403, "for a Viewer asking for raw masked values (it needs Editor)").ShouldHaveDetail();

        var masked = (await Api.GetAsync(As("member-viewer"), path)).ShouldHaveStatus(200, "for a Viewer without include_masked");
        masked.Object["records"]!.AsArray().Select(r => r?["ssn"]?.GetValue<string>()).Should().OnlyContain(v => v == WorldBuilder.MaskedValue, "masked fields stay masked: {0}", masked);

        var raw = (await Api.GetAsync(As("member-editor"), path + "?include_masked=true")).ShouldHaveStatus(200, "for an Editor with include_masked");
        raw.Object["records"]!.AsArray().Select(r => r?["ssn"]?.GetValue<string>()).Should().NotContain(WorldBuilder.MaskedValue, "include_masked returns raw values: {0}", raw);
    }
}
