using Microsoft.OpenApi.Models;

namespace AnomaliesConformance.Suite.Contract;

/// <summary>
/// How many cases a document must generate, counted from the document alone (operations, responses,
/// media types, parameters, body properties), so the guard test notices a generator that checks less.
/// </summary>
public static class ContractCoverage
{
    public static int ExpectedCaseCount(OpenApiDocument document, int fuzzRequests)
    {
        var count = 0;
        foreach (var operation in ContractOperation.All(document))
        {
            foreach (var (_, response) in operation.Successes)
            {
                count += response.Content.Count == 0 ? 1 : 0;
                count += response.Content.Sum(m => m.Key == "application/json" && m.Value.Schema is not null ? 2 : 1);
                count += response.Headers.Count(h => h.Value.Required);
            }

            count += 1 + (operation.RequiresBearer(document) ? 3 : 0);
            if (operation.PathParameters.Count > 0)
            {
                var id = operation.PathParameters[0].Schema;
                count += 1 + (IdValues.Accepts(id, IdValues.UnknownNumeric) ? 1 : 0) + (IdValues.Accepts(id, IdValues.UnknownUuid) ? 1 : 0);
            }

            count += operation.QueryParameters.Sum(p => SchemaValues.InvalidQueryValues(p.Schema).Count);
            if (operation.BodySchema is { } body)
            {
                var entry = body.Type == "array" && body.Items is not null ? body.Items : body;
                count += 2 + entry.Required.Count
                    + (entry.Properties.Values.Any(p => p.Type is "string" or "integer" or "boolean" or "array") ? 1 : 0)
                    + (entry.Properties.Values.Any(p => p.Enum.Count > 0) ? 1 : 0)
                    + (entry.AdditionalPropertiesAllowed ? 0 : 1);
            }

            if (operation.IsRead && operation.IsPaginated)
            {
                count += 2;
                if (operation.PathParameters.Count == 0)
                {
                    count += operation.QueryParameters.Count(p => p.Name.StartsWith("sort_", StringComparison.Ordinal));
                    count += operation.QueryParameters.Count(p => p.Schema.Type == "array" && ContractRules.FilterValues.ContainsKey(p.Name));
                }
            }

            count += fuzzRequests > 0 ? 2 : 0;
        }

        return count;
    }

    /// <summary>The documented statuses the generated probes provoke (403 and 409 need permissions or state: scenario territory).</summary>
    public static IReadOnlyList<int> GeneratedStatuses(ContractOperation operation)
    {
        var documented = operation.DocumentedStatuses;
        var statuses = operation.Successes.Select(s => s.Status).ToList();
        if (documented.Contains(401))
        {
            statuses.Add(401);
        }

        if (operation.PathParameters.Count > 0 && documented.Contains(404))
        {
            statuses.Add(404);
        }

        var invalidQuery = operation.QueryParameters.Any(p => SchemaValues.InvalidQueryValues(p.Schema).Count > 0);
        if (documented.Contains(422) && (operation.PathParameters.Count > 0 || invalidQuery || operation.BodySchema is not null))
        {
            statuses.Add(422);
        }

        if (operation.BodySchema is not null && documented.Contains(413))
        {
            statuses.Add(413);
        }

        return statuses;
    }
}
