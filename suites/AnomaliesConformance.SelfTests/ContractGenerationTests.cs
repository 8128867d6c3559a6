using AnomaliesConformance.Core.Catalogue;
using AnomaliesConformance.Core.Specs;
using AnomaliesConformance.SelfTests.Support;
using AnomaliesConformance.Suite.Contract;
using FluentAssertions;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Extensions;
using NUnit.Framework;

namespace AnomaliesConformance.SelfTests;

/// <summary>The cases generated from specs/anomalies.openapi.yaml, and the schema validator they use, without a target.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class ContractGenerationTests
{
    private static readonly Microsoft.OpenApi.Models.OpenApiDocument Document = OpenApiContract.Load(Repository.Specs("anomalies.openapi.yaml"));

    private static IReadOnlyList<ContractCase> Cases => ContractCaseGenerator.Generate(Document);

    [Test]
    public void The_document_generates_as_many_cases_as_its_operations_responses_and_parameters_count()
    {
        var operations = ContractOperation.All(Document);

        Cases.Should().HaveCount(ContractCoverage.ExpectedCaseCount(Document, 0));
        Cases.Should().HaveCountGreaterThan(190, "14 operations with their responses, parameters and bodies");
        Cases.Select(c => c.Name).Should().OnlyHaveUniqueItems();
        foreach (var operation in operations)
        {
            var mine = Cases.Where(c => c.OperationId == operation.Id).ToList();
            mine.Should().OnlyContain(c => c.Name.StartsWith(operation.Id + " / ", StringComparison.Ordinal), "case names read like a path");
            mine.Select(c => c.Kind).Should().Contain([CheckKinds.DocumentedStatus, CheckKinds.MissingToken, CheckKinds.MalformedToken, CheckKinds.UnknownToken]);
            mine.Select(c => c.ExpectedStatus).OfType<int>().Should().Contain(ContractCoverage.GeneratedStatuses(operation), $"{operation} exercises its documented responses");
        }
    }

    [Test]
    public void Every_generated_case_names_a_catalogue_rule()
    {
        var catalogue = RuleCatalogue.Load(Repository.Specs("rules.yaml"));

        Cases.Where(c => catalogue.Find(c.Rule) is null).Select(c => $"{c.Name}: {c.Rule}").Should().BeEmpty();
    }

    [TestCase("listAnomalies / 200 / body matches schema", CheckKinds.ResponseSchema, "CONTRACT-RESPONSE-SCHEMA")]
    [TestCase("listAnomalies / query size=0 / 422", CheckKinds.InvalidQuery, "PAGINATION-BOUNDS")]
    [TestCase("listAnomalies / query size=101 / 422", CheckKinds.InvalidQuery, "PAGINATION-BOUNDS")]
    [TestCase("listAnomalies / query status=Bogus / 422", CheckKinds.InvalidQuery, "ERRORS-INVALID-INPUT-422")]
    [TestCase("listAnomalies / query sort_weight=Bogus / 422", CheckKinds.InvalidQuery, "ERRORS-INVALID-INPUT-422")]
    [TestCase("listAnomalies / sort_weight / both directions order the items", CheckKinds.Sort, "LIST-SORT-WEIGHT")]
    [TestCase("listAnomalies / filter anomaly_type / items match, repeated values OR", CheckKinds.Filter, "LIST-FILTER-ANOMALY-TYPE")]
    [TestCase("listAnomalies / pagination / walk yields each item once", CheckKinds.PaginationWalk, "PAGINATION-WALK")]
    [TestCase("getAnomalyHistory / pagination / envelope consistent", CheckKinds.PaginationEnvelope, "PAGINATION-HISTORY-ENVELOPE")]
    [TestCase("getAnomalySourceRecords / query limit=0 / 422", CheckKinds.InvalidQuery, "SOURCE-RECORD-LIMIT-MIN-1")]
    [TestCase("getAnomalyComments / query start_date=not-a-date / 422", CheckKinds.InvalidQuery, "COMMENTS-INVALID-DATE")]
    [TestCase("downloadAnomalySourceRecords / 200 / text/csv", CheckKinds.MediaType, "SOURCE-RECORD-CSV-CONTENT-TYPE")]
    [TestCase("downloadAnomalySourceRecords / 200 / header Content-Disposition", CheckKinds.ResponseHeader, "SOURCE-RECORD-CSV-FILENAME")]
    [TestCase("getAnomaly / no token / 401", CheckKinds.MissingToken, "AUTH-MISSING-TOKEN")]
    [TestCase("deleteTicketLink / unknown token / refused", CheckKinds.UnknownToken, "AUTH-BEARER-REQUIRED")]
    [TestCase("getAnomalyFailedChecks / unknown UUID id / 404", CheckKinds.UnknownUuid, "ERRORS-UNKNOWN-ID-404")]
    [TestCase("listTicketLinks / malformed anomaly_id / 422", CheckKinds.MalformedId, "ERRORS-MALFORMED-ID-422")]
    [TestCase("createTicketLink / body missing ticket_number / 422, nothing changes", CheckKinds.InvalidBody, "TICKET-LINK-REQUIRED-FIELDS")]
    [TestCase("updateAnomaly / body unknown enum value status / 422, nothing changes", CheckKinds.InvalidBody, "ERRORS-INVALID-INPUT-422")]
    [TestCase("bulkDeleteAnomalies / body oversized / 413, nothing changes", CheckKinds.InvalidBody, "ERRORS-BODY-TOO-LARGE")]
    [TestCase("deleteAnomaly / 204 / no body", CheckKinds.ResponseSchema, "CONTRACT-RESPONSE-SCHEMA")]
    public void The_document_generates_the_named_case_with_its_kind_and_rule(string name, string kind, string rule)
    {
        var found = Cases.SingleOrDefault(c => c.Name == name);

        found.Should().NotBeNull($"the document documents what '{name}' checks");
        found!.Kind.Should().Be(kind);
        found.Rule.Should().Be(rule);
    }

    [Test]
    public void A_json_copy_of_the_document_generates_the_same_cases()
    {
        var json = Path.Combine(TempDirectory.Create("json-spec"), "anomalies.openapi.json");
        File.WriteAllText(json, Document.SerializeAsJson(OpenApiSpecVersion.OpenApi3_0));

        ContractCaseGenerator.Generate(OpenApiContract.Load(json)).Should().Equal(Cases);
    }

    [Test]
    public void Fuzzing_adds_a_status_and_a_schema_case_per_operation()
    {
        var fuzzed = ContractCaseGenerator.Generate(Document, fuzzRequests: 7);

        fuzzed.Should().HaveCount(Cases.Count + (2 * ContractOperation.All(Document).Count));
        fuzzed.Should().Contain(c => c.Name == "listAnomalies / fuzz 7 requests / documented status, never 5xx" && c.Rule == "CONTRACT-DOCUMENTED-STATUS");
    }

    [Test]
    public void The_schema_check_reports_every_violation_with_its_path_and_undocumented_properties_apart()
    {
        var getAnomaly = ContractOperation.All(Document).Single(o => o.Id == "getAnomaly");
        const string body = """
            {"id": 1, "uuid": "not-a-uuid", "type": "record", "status": "Bogus", "weight": "heavy", "anomalous_records_count": null,
             "description": null, "created": "2026-05-15 17:22", "fingerprint": 1, "global_tags": [], "assignees": [],
             "failed_checks": [], "datastore": {"id": 1, "name": "d"}, "container": {"id": 2, "name": "c"},
             "partition_scan_id": {"id": 3}, "archived": false}
            """;

        var findings = ResponseSchemas.For(Document).Check(getAnomaly, 200, body);

        string.Join("\n", findings.Violations).Should().ContainAll("#/uuid", "#/status", "#/weight", "#/created", "partition_scan");
        findings.Violations.Should().NotContain(v => v.Contains("anomalous_records_count") || v.Contains("description"), "nullable fields may be null");
        findings.Undocumented.Should().Equal(["#.partition_scan_id"]);
    }
}
