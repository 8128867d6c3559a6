using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Core.Running;
using AnomaliesConformance.Suite.Support;
using CsvHelper;
using CsvHelper.Configuration;
using FluentAssertions;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;

namespace AnomaliesConformance.Suite.Scenarios;

/// <summary>Source records as JSON and as the CSV download: the same rows, the same parameters, masking and its audit.</summary>
[Effect(CheckEffect.Read)]
public sealed class SourceRecordTests : ConformanceTest
{
    private static readonly string[] SsnValues = ["123-45-6789", "987-65-4321", "555-01-0199"];
    private static readonly long[] Salaries = [85_000, 92_500, 120_000];

    /// <summary>Three rows with two masked fields: ssn (text) first, salary (a number) second.</summary>
    private static SourceRecordsSpec Masked => new(
        ["order_id", "ssn", "salary"],
        ["ssn", "salary"],
        Enumerable.Range(0, 3).Select(i => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
        {
            ["order_id"] = i + 1,
            ["ssn"] = SsnValues[i],
            ["salary"] = Salaries[i],
        }).ToList());

    [Test]
    [Rule("SOURCE-RECORD-ROWS")]
    public async Task The_json_rows_are_the_stored_rows_with_their_fields_and_values()
    {
        var rows = new List<IReadOnlyDictionary<string, object?>>
        {
            new Dictionary<string, object?> { ["order_id"] = 1, ["customer"] = "Ann Lee", ["amount"] = 12.5, ["paid"] = true, ["note"] = null },
            new Dictionary<string, object?> { ["order_id"] = 2, ["customer"] = "Bob Patel", ["amount"] = 0.25, ["paid"] = false, ["note"] = "late" },
            new Dictionary<string, object?> { ["order_id"] = 3, ["customer"] = null, ["amount"] = 99, ["paid"] = true, ["note"] = "" },
        };
        var world = await ProvisionOneAsync(new() { SourceRecords = new(["order_id", "customer", "amount", "paid", "note"], [], rows) });

        var response = (await SourceRecordsAsync(As("member-viewer"), world["a"].Id)).ShouldHaveStatus(200, "reading source records");

        (response.Object["fields"] as JsonArray ?? []).Select(f => f?.GetValue<string>()).Should().Equal(["order_id", "customer", "amount", "paid", "note"], "the fields of the rows: {0}", response);
        var records = response.Object["records"] as JsonArray ?? [];
        records.Should().HaveCount(rows.Count, "the anomaly has {0} rows: {1}", rows.Count, response);
        for (var i = 0; i < rows.Count; i++)
        {
            var expected = JsonSerializer.SerializeToNode(rows[i]);
            JsonDiff.FirstDifference(expected, records[i]).Should().BeNull("row {0} carries its stored values: {1}", i, response);
        }
    }

    [Test]
    [Rule("SOURCE-RECORD-DEFAULT-LIMIT")]
    public async Task Without_a_limit_at_most_ten_rows_are_returned()
    {
        // The default fixture has twelve source rows; a manifest's anomaly must have more than ten to tell.
        var anomaly = (await ReadOnlyAnomaliesAsync(1))[0];
        if (Run.Manifest is not null)
        {
            var all = (await SourceRecordsAsync(As("member-viewer"), anomaly.Id, "?limit=11")).ShouldHaveStatus(200, "counting source records");
            if (all.Object["records"]?.AsArray().Count is not 11)
            {
                Run.Missing("a read-only anomaly with more than ten source records (the first in fixtures.anomalies.read_only)");
            }
        }

        var response = (await SourceRecordsAsync(As("member-viewer"), anomaly.Id)).ShouldHaveStatus(200, "reading source records");

        (response.Object["records"]?.AsArray().Count).Should().Be(10, "limit defaults to 10 and the anomaly has more than 10 rows: {0}", response);
    }

    [TestCase(5, 5)]
    [TestCase(12, 12)]
    [TestCase(50, 12)]
    [Rule("SOURCE-RECORD-LIMIT-MAX-ROWS")]
    public async Task Limit_caps_the_rows_returned(int limit, int expected)
    {
        var world = await ProvisionOneAsync();

        var response = (await SourceRecordsAsync(As("member-viewer"), world["a"].Id, $"?limit={limit}")).ShouldHaveStatus(200, $"reading with limit={limit}");

        (response.Object["records"]?.AsArray().Count).Should().Be(expected, "limit={0} on 12 rows returns {1}: {2}", limit, expected, response);
    }

    [Test]
    [Rule("SOURCE-RECORD-LIMIT-MIN-1")]
    public async Task Limit_below_one_is_rejected_and_limit_one_returns_one_row()
    {
        var world = await ProvisionOneAsync();
        var id = world["a"].Id;

        foreach (var limit in new[] { "0", "-1" })
        {
            (await SourceRecordsAsync(As("member-viewer"), id, $"?limit={limit}")).ShouldHaveStatus(422, $"for limit={limit}: the limit is at least 1").ShouldHaveDetail();
            (await DownloadAsync(As("member-viewer"), id, $"?limit={limit}")).ShouldHaveStatus(422, $"for the download with limit={limit}");
        }

        var one = (await SourceRecordsAsync(As("member-viewer"), id, "?limit=1")).ShouldHaveStatus(200, "for limit=1");
        (one.Object["records"]?.AsArray().Count).Should().Be(1, "limit=1 returns one row: {0}", one);
    }

    [Test]
    [Rule("SOURCE-RECORD-LIMIT-NO-MAXIMUM")]
    public async Task A_limit_above_10000_is_accepted()
    {
        var world = await ProvisionOneAsync();

        (await SourceRecordsAsync(As("member-viewer"), world["a"].Id, "?limit=25000")).ShouldHaveStatus(200, "for limit=25000: the page documents no maximum");
    }

    [Test]
    [Rule("SOURCE-RECORD-MASKED-DEFAULT")]
    public async Task Without_include_masked_no_masked_field_shows_its_raw_value()
    {
        var world = await ProvisionOneAsync(new() { SourceRecords = Masked });
        var id = world["a"].Id;

        foreach (var query in new[] { "", "?include_masked=false" })
        {
            var json = (await SourceRecordsAsync(As("member-editor"), id, query)).ShouldHaveStatus(200, "reading source records" + query);
            var records = json.Object["records"] as JsonArray ?? [];
            records.Select(r => r?["ssn"]?.ToJsonString()).Should().NotContain(SsnValues.Select(v => JsonValue.Create(v).ToJsonString()), "a masked ssn never shows its raw value: {0}", json);
            records.Select(r => r?["salary"]?.ToJsonString()).Should().NotContain(Salaries.Select(v => v.ToString(CultureInfo.InvariantCulture)), "a masked salary never shows its raw value: {0}", json);

            var csv = (await DownloadAsync(As("member-editor"), id, query)).ShouldHaveStatus(200, "downloading source records" + query);
            Column(csv, "ssn").Should().NotContain(SsnValues, "the CSV hides masked ssn values too: {0}", csv);
            Column(csv, "salary").Should().NotContain(Salaries.Select(v => v.ToString(CultureInfo.InvariantCulture)), "the CSV hides masked salaries too: {0}", csv);
        }
    }

    [Test]
    [Rule("SOURCE-RECORD-UNMASK-RAW")]
    public async Task Include_masked_by_an_editor_returns_the_raw_values_of_every_masked_field()
    {
        var world = await ProvisionOneAsync(new() { SourceRecords = Masked });
        var id = world["a"].Id;

        var json = (await SourceRecordsAsync(As("member-editor"), id, "?include_masked=true")).ShouldHaveStatus(200, "for an Editor with include_masked=true");
        var csv = (await DownloadAsync(As("member-editor"), id, "?include_masked=true")).ShouldHaveStatus(200, "for an Editor downloading with include_masked=true");

        var records = json.Object["records"] as JsonArray ?? [];
        records.Select(r => r?["ssn"]?.GetValue<string>()).Should().Equal(SsnValues, "include_masked returns the raw ssn values: {0}", json);
        records.Select(r => r?["salary"]?.ToJsonString()).Should().Equal(Salaries.Select(v => v.ToString(CultureInfo.InvariantCulture)), "include_masked returns the raw salaries: {0}", json);
        Column(csv, "ssn").Should().Equal(SsnValues, "the CSV with include_masked has the raw ssn values: {0}", csv);
        Column(csv, "salary").Should().Equal(Salaries.Select(v => v.ToString(CultureInfo.InvariantCulture)), "the CSV with include_masked has the raw salaries: {0}", csv);
    }

    [Test]
    [Rule("SOURCE-RECORD-UNMASK-NEEDS-EDITOR")]
    public async Task Include_masked_needs_editor_and_reveals_nothing_to_an_author_or_viewer()
    {
        var world = await ProvisionOneAsync();
        var id = world["a"].Id;

        foreach (var role in new[] { "member-viewer", "member-author" })
        {
            (await SourceRecordsAsync(As(role), id, "?include_masked=true")).ShouldHaveStatus(403, $"for {role} asking for raw masked values (it needs Editor)").ShouldHaveDetail();
            var csv = (await DownloadAsync(As(role), id, "?include_masked=true")).ShouldHaveStatus(403, $"for {role} downloading raw masked values");
            csv.Body.Should().NotContain("order_id", "a refused download reveals no rows: {0}", csv);
        }

        var masked = (await SourceRecordsAsync(As("member-viewer"), id)).ShouldHaveStatus(200, "for a Viewer without include_masked");
        masked.Object["records"]!.AsArray().Select(r => r?["ssn"]?.GetValue<string>()).Should().OnlyContain(v => v == WorldBuilder.MaskedValue, "masked fields stay masked: {0}", masked);

        var raw = (await SourceRecordsAsync(As("member-editor"), id, "?include_masked=true")).ShouldHaveStatus(200, "for an Editor with include_masked");
        raw.Object["records"]!.AsArray().Select(r => r?["ssn"]?.GetValue<string>()).Should().NotContain(WorldBuilder.MaskedValue, "include_masked returns raw values: {0}", raw);
    }

    [Test]
    [Rule("SOURCE-RECORD-UNMASK-AUDIT")]
    public async Task An_unmasked_read_writes_an_audit_entry_naming_the_masked_fields()
    {
        var world = await ProvisionOneAsync(new() { SourceRecords = Masked });
        var anomaly = world["a"];
        var editor = As("member-editor");
        var before = (await Run.Provisioning.AuditLogAsync(anomaly.Id)).Count;

        (await SourceRecordsAsync(editor, anomaly.Id, "?include_masked=true")).ShouldHaveStatus(200, "unmasking through the JSON endpoint");
        (await DownloadAsync(editor, anomaly.Id, "?include_masked=true")).ShouldHaveStatus(200, "unmasking through the CSV download");

        var entries = (await Run.Provisioning.AuditLogAsync(anomaly.Id)).Skip(before).Select(e => e!.AsObject()).ToList();
        entries.Should().HaveCount(2, "each unmasked read (JSON and CSV) writes an audit entry: {0}", string.Join(", ", entries.Select(e => e.ToJsonString())));
        foreach (var entry in entries)
        {
            entry["user_id"]?.GetValue<long>().Should().Be(editor.UserId, "the audit entry names the caller: {0}", entry.ToJsonString());
            entry["anomaly_id"]?.GetValue<long>().Should().Be(anomaly.Id, "the audit entry names the anomaly: {0}", entry.ToJsonString());
            entry["action"]?.GetValue<string>().Should().Be("source-record.unmask", "the entry records an unmask: {0}", entry.ToJsonString());
            (entry["masked_fields"] as JsonArray ?? []).Select(f => f?.GetValue<string>()).Should().BeEquivalentTo(["ssn", "salary"], "the entry names the masked fields accessed: {0}", entry.ToJsonString());
        }
    }

    [Test]
    [Rule("SOURCE-RECORD-CSV-SAME-ROWS")]
    public async Task The_csv_download_has_the_json_fields_as_header_and_the_same_rows_in_the_same_order()
    {
        // Values that CSV writers get wrong: decimals, null, booleans, separators, quotes and line breaks.
        var rows = new List<IReadOnlyDictionary<string, object?>>
        {
            new Dictionary<string, object?> { ["id"] = 1, ["name"] = "Lee, Ann", ["amount"] = 1234.5, ["paid"] = true, ["note"] = null },
            new Dictionary<string, object?> { ["id"] = 2, ["name"] = "Patel \"Bob\"", ["amount"] = 0.125, ["paid"] = false, ["note"] = "line one\nline two" },
            new Dictionary<string, object?> { ["id"] = 3, ["name"] = "Zoë", ["amount"] = -7, ["paid"] = true, ["note"] = "" },
        };
        var anomaly = (await ReadOnlyAnomaliesAsync(1, new() { SourceRecords = new(["id", "name", "amount", "paid", "note"], [], rows) }))[0];

        var json = (await SourceRecordsAsync(As("member-viewer"), anomaly.Id)).ShouldHaveStatus(200, "reading the JSON rows");
        var csv = (await DownloadAsync(As("member-viewer"), anomaly.Id)).ShouldHaveStatus(200, "downloading the CSV rows");

        var fields = (json.Object["fields"] as JsonArray ?? []).Select(f => f!.GetValue<string>()).ToList();
        var expected = (json.Object["records"] as JsonArray ?? []).Select(r => fields.Select(f => Cell(r?[f])).ToArray()).ToList();
        var (header, csvRows) = ParseCsv(csv);
        header.Should().Equal(fields, "the CSV header is the JSON fields: {0}", csv);
        csvRows.Should().HaveSameCount(expected, "the CSV has the JSON's rows: {0}", csv);
        for (var i = 0; i < expected.Count; i++)
        {
            csvRows[i].Should().Equal(expected[i], "CSV row {0} equals JSON row {0} (null empty, numbers invariant, booleans true/false): {1}", i, csv);
        }
    }

    [Test]
    [Rule("SOURCE-RECORD-CSV-CONTENT-TYPE")]
    public async Task The_download_is_served_as_text_csv()
    {
        var anomaly = (await ReadOnlyAnomaliesAsync(1))[0];

        var response = (await DownloadAsync(As("member-viewer"), anomaly.Id)).ShouldHaveStatus(200, "downloading source records");

        (response.ContentType ?? "").Split(';')[0].Trim().Should().BeEquivalentTo("text/csv", "a CSV file is served as text/csv: {0}", response);
    }

    [Test]
    [Rule("SOURCE-RECORD-CSV-FILENAME")]
    public async Task The_csv_download_is_named_after_the_numeric_id()
    {
        var anomaly = (await ReadOnlyAnomaliesAsync(1))[0];

        foreach (var address in new object[] { anomaly.Id, anomaly.Uuid })
        {
            var response = (await DownloadAsync(As("member-viewer"), address)).ShouldHaveStatus(200, "downloading source records");
            var disposition = response.Header("Content-Disposition") ?? "";
            disposition.Should().Contain("attachment", "the download is an attachment: {0}", response);
            disposition.Should().Contain($"filename=source_records_{anomaly.Id}.csv", "the page names the file source_records_<id>.csv: {0}", response);
        }
    }

    [Test]
    [Rule("SOURCE-RECORD-CSV-SAME-PARAMS")]
    public async Task Limit_and_include_masked_act_on_the_download_as_on_the_json_endpoint()
    {
        var world = await ProvisionOneAsync();
        var id = world["a"].Id;
        var cases = new (string Role, string Query)[]
        {
            ("member-viewer", ""), ("member-viewer", "?limit=3"), ("member-viewer", "?limit=11"), ("member-viewer", "?limit=0"),
            ("member-viewer", "?include_masked=true"), ("member-editor", "?include_masked=true&limit=4"),
        };

        foreach (var (role, query) in cases)
        {
            var json = await SourceRecordsAsync(As(role), id, query);
            var csv = await DownloadAsync(As(role), id, query);
            csv.Status.Should().Be(json.Status, "the download answers {0} as the JSON endpoint does for {1} as {2}: {3}", query, role, csv);
            if (json.Status != 200)
            {
                continue;
            }

            // order_id and the masked ssn: the columns whose text the CSV and JSON render alike.
            var records = json.Object["records"] as JsonArray ?? [];
            Column(csv, "order_id").Should().Equal(records.Select(r => Cell(r?["order_id"])), "the download has the JSON's rows for {0} as {1}: {2}", query, role, csv);
            Column(csv, "ssn").Should().Equal(records.Select(r => Cell(r?["ssn"])), "the download masks as the JSON does for {0} as {1}: {2}", query, role, csv);
        }
    }

    /// <summary>A JSON value as contract-choices.md renders it in a CSV cell.</summary>
    private static string Cell(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>() ? "true" : "false",
        _ => value.ToJsonString(),
    };

    private static (string[] Header, List<string[]> Rows) ParseCsv(ApiResponse response)
    {
        using var reader = new StringReader(response.Body);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { HasHeaderRecord = true });
        var rows = new List<string[]>();
        if (!csv.Read())
        {
            return ([], rows);
        }

        csv.ReadHeader();
        var header = csv.HeaderRecord ?? [];
        while (csv.Read())
        {
            rows.Add(Enumerable.Range(0, header.Length).Select(i => csv.GetField(i) ?? "").ToArray());
        }

        return (header, rows);
    }

    private static List<string> Column(ApiResponse response, string field)
    {
        var (header, rows) = ParseCsv(response);
        var index = Array.IndexOf(header, field);
        return index < 0 ? [] : rows.Select(r => r[index]).ToList();
    }
}
