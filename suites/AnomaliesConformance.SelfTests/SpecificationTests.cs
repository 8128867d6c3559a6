using System.Text.RegularExpressions;
using AnomaliesConformance.Core.Catalogue;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Core.Specs;
using AnomaliesConformance.SelfTests.Support;
using AnomaliesConformance.Suite.Scenarios;
using AnomaliesConformance.Suite.Support;
using AnomaliesConformance.Suite.Contract;
using FluentAssertions;
using NUnit.Framework;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.SelfTests;

/// <summary>The documents in specs/ are loadable, lint-clean, and agree with the page, the suite and the faults.</summary>
[Parallelizable(ParallelScope.All)]
public sealed partial class SpecificationTests
{
    private static readonly string[] PageOperations =
    [
        "listAnomalies", "getAnomaly", "getAnomalyFailedChecks", "updateAnomaly", "bulkUpdateAnomalies", "deleteAnomaly",
        "bulkDeleteAnomalies", "getAnomalyHistory", "getAnomalyComments", "getAnomalySourceRecords",
        "downloadAnomalySourceRecords", "listTicketLinks", "createTicketLink", "deleteTicketLink",
    ];

    private static RuleCatalogue Catalogue => RuleCatalogue.Load(Repository.Specs("rules.yaml"));

    [Test]
    public void The_openapi_description_loads_without_errors_and_has_the_fourteen_operations_of_the_page()
    {
        var document = OpenApiContract.Load(Repository.Specs("anomalies.openapi.yaml"));

        OpenApiContract.Operations(document).Select(o => o.Operation.OperationId).Should().BeEquivalentTo(PageOperations);
        document.Components.SecuritySchemes.Values.Should().Contain(s => s.Scheme == "bearer", "every endpoint requires a Bearer token");
    }

    [Test]
    public void The_provisioning_description_loads_without_errors()
    {
        var document = OpenApiContract.Load(Repository.Specs("provisioning.openapi.yaml"));

        document.Paths.Keys.Should().Contain("/api/_provisioning/batch");
    }

    [Test]
    public void Every_operation_declares_401_and_a_detail_error_body()
    {
        var document = OpenApiContract.Load(Repository.Specs("anomalies.openapi.yaml"));

        foreach (var (path, method, operation) in OpenApiContract.Operations(document))
        {
            operation.Responses.Keys.Should().Contain("401", $"{method} {path} needs a Bearer token");
        }
    }

    [Test]
    public async Task Spectral_lints_both_descriptions_without_warnings()
    {
        var spectral = Path.Combine(Repository.Root, "node_modules", ".bin", "spectral");
        File.Exists(spectral).Should().BeTrue("run-tests.sh installs Spectral with npm ci before the tests");

        var lint = await ChildProcess.RunAsync(
            spectral,
            ["lint", "--fail-severity=warn", "--ruleset", Path.Combine(Repository.Root, ".spectral.yaml"), Repository.Specs("anomalies.openapi.yaml"), Repository.Specs("provisioning.openapi.yaml")],
            TimeSpan.FromMinutes(3));

        lint.ExitCode.Should().Be(0, "the descriptions must be lint-clean: {0}", lint);
    }

    [Test]
    public void The_rule_catalogue_has_at_least_sixty_rules_with_unique_ids_and_valid_levels()
    {
        var rules = Catalogue.Rules;

        rules.Should().HaveCountGreaterThanOrEqualTo(60);
        rules.Select(r => r.Id).Should().OnlyHaveUniqueItems();
        rules.Should().OnlyContain(r => RuleId().IsMatch(r.Id), "ids are upper-case kebab");
        rules.Should().OnlyContain(r => r.Level == "MUST" || r.Level == "SHOULD");
        rules.Where(r => r.Level == "SHOULD").Should().OnlyContain(r => !string.IsNullOrWhiteSpace(r.Choice), "a SHOULD rule says which reading was chosen and why");
    }

    [Test]
    public void Every_rule_quotes_a_sentence_that_is_on_the_page()
    {
        var page = Collapse(File.ReadAllText(Repository.Specs("anomalies-api.md")));

        var missing = Catalogue.Rules.Where(r => !page.Contains(Collapse(r.Sentence), StringComparison.Ordinal)).Select(r => r.Id).ToList();

        missing.Should().BeEmpty("every rule's sentence is quoted verbatim from specs/anomalies-api.md");
    }

    [Test]
    public void The_permission_matrix_covers_every_page_operation_and_every_cast_member_with_catalogue_rules()
    {
        var matrix = PermissionMatrix.Load(Repository.Specs(PermissionMatrix.FileName));

        matrix.Cast.Should().Equal(CastMember.Everyone.Select(m => m.Label), "the matrix has a column for every member of the cast, in the cast's order");
        matrix.Rows.Select(r => r.Call).Should().BeEquivalentTo(EndpointCalls.All.Select(c => c.Key), "every call the suite can send has a row, and no row names an unknown call");
        EndpointCalls.All.Select(c => c.OperationId).Distinct().Should().BeEquivalentTo(PageOperations, "the matrix reaches every operation of the page");
        matrix.Rows.SelectMany(r => r.Cells.Select(c => c.Rule).Append(r.Rule)).Distinct().Where(id => Catalogue.Find(id) is null)
            .Should().BeEmpty("every cell enforces a rule of the catalogue");
    }

    [Test]
    public void The_permission_matrix_generates_one_check_per_endpoint_and_cast_member()
    {
        var matrix = PermissionMatrix.Load(Repository.Specs(PermissionMatrix.FileName));

        var generated = SuiteTests.All.Where(t => t.ClassName == typeof(PermissionMatrixTests).FullName).ToList();

        generated.Should().HaveCount(matrix.Rows.Count * matrix.Cast.Count);
        generated.Select(t => t.Name).Should().OnlyHaveUniqueItems();
    }

    [Test]
    public void Every_suite_test_is_runnable_and_checks_at_least_one_rule()
    {
        // The generated contract cases are built from the runner's document at run time; outside a run their
        // source cannot build, and their count is guarded against the document by their own test.
        var tests = SuiteTests.All.Where(t => !t.FullName.StartsWith("AnomaliesConformance.Suite.Contract.", StringComparison.Ordinal)).ToList();

        tests.Where(t => t.RunState == NUnit.Framework.Interfaces.RunState.NotRunnable)
            .Select(t => $"{t.FullName}: {t.Properties.Get(NUnit.Framework.Internal.PropertyNames.SkipReason)}")
            .Should().BeEmpty("a test NUnit cannot build (a generated source that failed, bad arguments) must not go unnoticed");
        tests.Where(t => EmbeddedTestRunner.RulesOf(t).Count == 0).Select(t => t.FullName).Should().BeEmpty("every check names the rule it enforces");
    }

    [Test]
    public void Every_rule_a_suite_test_names_is_in_the_catalogue()
    {
        var used = SuiteTests.RuleIds().Concat(ContractRuleIds()).Distinct().ToList();

        used.Should().NotBeEmpty();
        used.Where(id => Catalogue.Find(id) is null).Should().BeEmpty("a test may only enforce a rule of specs/rules.yaml");
    }

    [Test]
    public void Every_fault_names_a_catalogue_rule_in_kebab_and_upper_case_and_a_test_checks_that_rule()
    {
        var faults = FaultList.Load();
        var tested = SuiteTests.RuleIds().Concat(ContractRuleIds()).ToHashSet();

        faults.Should().NotBeEmpty();
        faults.Should().OnlyContain(f => FaultName().IsMatch(f.Name), "fault names are lower-case kebab");
        faults.Select(f => f.Name).Should().OnlyHaveUniqueItems();
        faults.Where(f => Catalogue.Find(f.Rule) is null).Should().BeEmpty("every fault breaks a rule of the catalogue");
        faults.Where(f => !tested.Contains(f.Rule)).Should().BeEmpty("a fault is only useful if a test can see it");
    }

    [Test]
    public void Every_rule_a_test_checks_has_a_fault_that_breaks_it()
    {
        var faultRules = FaultList.Load().Select(f => f.Rule).ToHashSet();

        var unbreakable = SuiteTests.RuleIds().Where(id => !faultRules.Contains(id)).ToList();

        unbreakable.Should().BeEmpty("a check that no fault can break has not been shown able to fail");
    }

    /// <summary>The rules of the cases generated from the OpenAPI document (the hand-written ones come from SuiteTests).</summary>
    private static IEnumerable<string> ContractRuleIds() =>
        ContractCaseGenerator.Generate(OpenApiContract.Load(Repository.Specs("anomalies.openapi.yaml"))).Select(c => c.Rule).Distinct();

    private static string Collapse(string text) => Whitespace().Replace(text, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex("^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")]
    private static partial Regex RuleId();

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex FaultName();
}
