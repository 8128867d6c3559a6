using System.Globalization;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Specs;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Suite.Support;
using Microsoft.OpenApi.Models;
using NUnit.Framework;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Contract;

/// <summary>
/// The checks generated from the OpenAPI document the runner was given (--spec, or the target's own with
/// --spec-from-target): one NUnit case per operation and check kind, named like "listAnomalies / 200 /
/// body matches schema" and tagged with its operation, kind and rule. No case is written by hand; the
/// document drives them.
/// </summary>
[Parallelizable(ParallelScope.All)]
[SharedFixture(ContractWorld.Scope)]
public sealed class ContractTests
{
    private static readonly Lock Gate = new();
    private static (OpenApiDocument Document, IReadOnlyList<ContractCase> Cases)? generated;

    private static ConformanceRun Run => ConformanceRun.Current;

    // Under `dotnet test` the cases are discovered before SuiteHost installs a run: they come from the specs' own document.
    private static readonly Lazy<OpenApiDocument> SpecsDocument = new(() => OpenApiContract.Load(Path.Combine(RepositoryLayout.Root(), "specs", "anomalies.openapi.yaml")));

    private static OpenApiDocument Document => !ConformanceRun.IsInstalled
        ? SpecsDocument.Value
        : Run.Contract ?? throw new InvalidOperationException("the runner loads the OpenAPI document before the tests");

    /// <summary>The cases of the run's document (computed once: NUnit asks at load time, the world asks again).</summary>
    public static IReadOnlyList<ContractCase> Cases()
    {
        lock (Gate)
        {
            if (generated is not { } g || !ReferenceEquals(g.Document, Document))
            {
                generated = (Document, ContractCaseGenerator.Generate(Document, ConformanceRun.IsInstalled ? Run.Settings.FuzzRequests : 0));
            }

            return generated.Value.Cases;
        }
    }

    public static IEnumerable<TestCaseData> Source() => Cases().Select(c => new TestCaseData(c)
        .SetName(c.Name)
        .SetCategory(c.Rule)
        .SetCategory(c.OperationId)
        .SetCategory(c.Kind)
        .SetProperty(RuleAttribute.PropertyName, c.Rule)
        .SetProperty("Operation", c.OperationId)
        .SetProperty("CheckKind", c.Kind)
        .SetProperty(Effects.PropertyName, Effects.Name(EffectOf(c))));

    /// <summary>
    /// A case's effect is its operation's, except that the collection checks (paging, sort, filter) of a
    /// per-anomaly collection first write entries into it (ContractChecks.CollectionAsync).
    /// </summary>
    private static CheckEffect EffectOf(ContractCase contractCase)
    {
        var operation = ContractOperation.All(Document).Single(o => o.Id == contractCase.OperationId);
        var writesFirst = contractCase.Kind is CheckKinds.PaginationEnvelope or CheckKinds.PaginationWalk or CheckKinds.Sort or CheckKinds.Filter
            && operation.CollectionWriter(Document) is not null;
        return writesFirst ? CheckEffect.ReversibleWrite : Effects.OfRequest(operation.Method.Method, operation.Path);
    }

    /// <summary>The manifest anomaly a write case was given is put back and verified when it ends.</summary>
    [TearDown]
    public async Task PutBackExistingAnomaliesAsync()
    {
        if (ConformanceRun.IsInstalled && Run.Manifest is { } manifest)
        {
            await manifest.ReleaseAsync(TestContext.CurrentContext.Test.FullName);
        }
    }

    [TestCaseSource(nameof(Source))]
    [OnExistingData]
    public async Task Check(ContractCase contractCase)
    {
        var world = await ContractWorld.GetAsync(Document, Cases());
        var operation = ContractOperation.All(Document).Single(o => o.Id == contractCase.OperationId);
        if (Run.Manifest is not null && EffectOf(contractCase) != CheckEffect.Read)
        {
            // A write case acts on an anomaly of its own: the planner gives it one of the manifest's (mutable, or
            // sacrificial for a delete), put back after.
            world = await world.OnAnomalyOfItsOwnAsync(contractCase, operation);
        }

        var requests = new ContractRequests(Document, operation, world, contractCase, StableSeed.For(Run.Settings.Seed, contractCase.Name));
        var check = new ContractChecks(Document, operation, world, contractCase, requests, Run.Settings.StrictSchema);
        switch (contractCase.Kind)
        {
            case CheckKinds.ResponseSchema:
                await check.ResponseSchemaAsync();
                break;
            case CheckKinds.MediaType:
                await check.MediaTypeAsync();
                break;
            case CheckKinds.ResponseHeader:
                await check.ResponseHeaderAsync();
                break;
            case CheckKinds.DocumentedStatus:
                await check.DocumentedStatusAsync();
                break;
            case CheckKinds.MissingToken or CheckKinds.MalformedToken or CheckKinds.UnknownToken:
                await check.TokenAsync();
                break;
            case CheckKinds.UnknownNumericId or CheckKinds.UnknownUuid or CheckKinds.MalformedId:
                await check.IdAsync();
                break;
            case CheckKinds.InvalidQuery:
                await check.InvalidQueryAsync();
                break;
            case CheckKinds.InvalidBody:
                await check.InvalidBodyAsync();
                break;
            case CheckKinds.PaginationEnvelope:
                await check.PaginationEnvelopeAsync();
                break;
            case CheckKinds.PaginationWalk:
                await check.PaginationWalkAsync();
                break;
            case CheckKinds.Sort:
                await check.SortAsync();
                break;
            case CheckKinds.Filter:
                await check.FilterAsync();
                break;
            case CheckKinds.FuzzStatus or CheckKinds.FuzzSchema:
                await new ContractFuzzer(Document, operation, world, contractCase, Run.Settings.Seed, Run.Settings.StrictSchema).RunAsync();
                break;
            default:
                throw new InvalidOperationException($"no check runs kind {contractCase.Kind}");
        }
    }

    /// <summary>
    /// The guard: every operation and every documented response of the document has generated cases, so a
    /// loader or generator defect cannot silently check less than the document says.
    /// </summary>
    [Test]
    [Rule(ContractRules.DocumentedStatus)]
    [Effect(CheckEffect.Read)]
    public void The_generated_cases_cover_every_operation_and_response_of_the_document()
    {
        var operations = ContractOperation.All(Document);
        var cases = Cases();
        var expected = ContractCoverage.ExpectedCaseCount(Document, Run.Settings.FuzzRequests);

        Assert.Multiple(() =>
        {
            Assert.That(cases, Has.Count.EqualTo(expected), $"{operations.Count} operations with {operations.Sum(o => o.Operation.Responses.Count)} responses should generate {expected} cases");
            foreach (var operation in operations)
            {
                Assert.That(cases.Where(c => c.OperationId == operation.Id).Select(c => c.ExpectedStatus).OfType<int>().Distinct(),
                    Is.SupersetOf(ContractCoverage.GeneratedStatuses(operation)), $"{operation}: a case expects each response the checks can provoke");
            }
        });
    }
}
