using System.Globalization;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using Microsoft.OpenApi.Models;
using NUnit.Framework;

namespace AnomaliesConformance.Suite.Contract;

/// <summary>
/// The property-based mode (--fuzz N): N random requests per operation, valid and invalid, generated
/// from the schemas. The only oracle is the document: a documented status (so never a 5xx) and, for a
/// success, a body that matches the schema. Request i of an operation comes from a seed derived from the
/// run's seed, the operation and i, so rerunning with the printed --seed sends the same requests.
/// </summary>
public sealed class ContractFuzzer(OpenApiDocument document, ContractOperation operation, ContractWorld world, ContractCase contractCase, int runSeed, bool strictSchema)
{
    public async Task RunAsync()
    {
        world.RequireCaller();
        var count = int.Parse(contractCase.Value!, CultureInfo.InvariantCulture);
        var findings = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var seed = StableSeed.For(runSeed, $"{operation.Id} fuzz {i}");
            var requests = new ContractRequests(document, operation, world, contractCase, seed, randomize: true);
            var response = await SendRandomAsync(requests);
            if (Judge(response) is { } finding)
            {
                findings.Add($"#{i} {finding}\n    {response.Exchange.Curl}");
            }
        }

        if (findings.Count > 0)
        {
            Assert.Fail($"{findings.Count} of {count} random requests broke the oracle ({Oracle}); reproduce with --seed {runSeed} --fuzz {count}:\n"
                + string.Join("\n", findings));
        }
    }

    private string Oracle => contractCase.Kind == CheckKinds.FuzzStatus ? "a status the document lists, never 5xx" : "a success body that matches the schema";

    private string? Judge(ApiResponse response)
    {
        if (contractCase.Kind == CheckKinds.FuzzStatus)
        {
            return operation.DocumentedStatuses.Contains(response.Status)
                ? null
                : $"{response.Summary}: status {response.Status} is not documented ({string.Join(", ", operation.DocumentedStatuses)})";
        }

        if (response.Status is < 200 or >= 300 || operation.Response(response.Status) is null || !ResponseSchemas.For(document).HasSchema(operation, response.Status))
        {
            return null;
        }

        var findings = ResponseSchemas.For(document).Check(operation, response.Status, response.Body);
        var problems = findings.Violations.Concat(strictSchema ? findings.Undocumented.Select(u => u + ": undocumented") : []).ToList();
        return problems.Count == 0 ? null : $"{response.Summary}: {string.Join("; ", problems)}";
    }

    private async Task<ApiResponse> SendRandomAsync(ContractRequests requests)
    {
        var faker = requests.Faker;
        var first = faker.Random.WeightedRandom(
            [null, IdValues.UnknownNumeric, IdValues.UnknownUuid, IdValues.Malformed],
            [0.7f, 0.1f, 0.1f, 0.1f]);
        var path = await requests.PathAsync(first, createSubResources: first is null);

        var query = new List<(string Name, string Value)>();
        foreach (var parameter in operation.QueryParameters.Where(_ => faker.Random.Bool(0.4f)))
        {
            var invalid = SchemaValues.InvalidQueryValues(parameter.Schema);
            query.Add((parameter.Name, invalid.Count > 0 && faker.Random.Bool(0.3f) ? invalid[faker.Random.Int(0, invalid.Count - 1)].Text : requests.Values.Query(parameter)));
        }

        string? body = null;
        if (operation.BodySchema is not null && (operation.BodyRequired || faker.Random.Bool()))
        {
            var valid = requests.ValidBody() ?? new JsonObject();
            body = faker.Random.Bool(0.6f) ? valid.ToJsonString() : Mutate(valid, faker);
        }

        var actor = faker.Random.WeightedRandom(
            [world.Caller, Actor.Anonymous, Actor.WithRawToken("unknown-token", "cf-fuzz-token-" + faker.Random.AlphaNumeric(16))],
            [0.9f, 0.05f, 0.05f]);
        return await requests.SendAsync(actor, path, query, body);
    }

    private string Mutate(JsonNode valid, SeededFaker faker)
    {
        var entry = operation.BodySchema!.Type == "array" && operation.BodySchema.Items is not null ? operation.BodySchema.Items : operation.BodySchema;
        var properties = entry.Properties.Keys.ToList();
        var variant = faker.PickRandom(BodyVariants.MalformedJson, BodyVariants.MissingField, BodyVariants.WrongType, BodyVariants.UnknownEnum, BodyVariants.UnknownField);
        var property = variant switch
        {
            BodyVariants.UnknownField => SchemaValues.UnknownField,
            BodyVariants.MissingField when entry.Required.Count > 0 => faker.PickRandom(entry.Required.ToList()),
            _ when properties.Count > 0 => faker.PickRandom(properties),
            _ => null,
        };
        return property is null && variant != BodyVariants.MalformedJson ? valid.ToJsonString() : ContractChecks.InvalidBody(valid, variant, property);
    }
}
