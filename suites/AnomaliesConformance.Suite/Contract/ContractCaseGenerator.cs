using Microsoft.OpenApi.Models;

namespace AnomaliesConformance.Suite.Contract;

/// <summary>
/// Turns an OpenAPI document into the generated checks, one list per document: for every operation its
/// responses (schema, media type, headers), its documented statuses, bearer auth, unknown and malformed
/// ids, every invalid query value and request body its schemas rule out, and the list behaviours
/// (pagination, sort, filters) its parameters promise. Pure: same document, same cases, same order.
/// </summary>
public static class ContractCaseGenerator
{
    public static IReadOnlyList<ContractCase> Generate(OpenApiDocument document, int fuzzRequests = 0)
    {
        var cases = new List<ContractCase>();
        foreach (var operation in ContractOperation.All(document))
        {
            cases.AddRange(ResponseCases(operation));
            cases.Add(Case(operation, "valid requests / documented success status", CheckKinds.DocumentedStatus, ContractRules.DocumentedStatus) with
            {
                OwnAnomaly = !operation.IsRead,
            });
            if (operation.RequiresBearer(document))
            {
                cases.AddRange(TokenCases(operation));
            }

            cases.AddRange(IdCases(operation));
            cases.AddRange(QueryCases(operation));
            cases.AddRange(BodyCases(operation));
            cases.AddRange(ListBehaviourCases(operation));
            if (fuzzRequests > 0)
            {
                cases.Add(Case(operation, $"fuzz {fuzzRequests} requests / documented status, never 5xx", CheckKinds.FuzzStatus, ContractRules.DocumentedStatus) with
                {
                    Value = fuzzRequests.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    OwnAnomaly = !operation.IsRead,
                });
                cases.Add(Case(operation, $"fuzz {fuzzRequests} requests / success bodies match schema", CheckKinds.FuzzSchema, ContractRules.ResponseSchema) with
                {
                    Value = fuzzRequests.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    OwnAnomaly = !operation.IsRead,
                });
            }
        }

        var duplicates = cases.GroupBy(c => c.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        return duplicates.Count == 0
            ? cases
            : throw new InvalidOperationException("generated case names must be unique: " + string.Join(", ", duplicates));
    }

    private static ContractCase Case(ContractOperation operation, string what, string kind, string rule) =>
        new($"{operation.Id} / {what}", operation.Id, kind, rule);

    private static IEnumerable<ContractCase> ResponseCases(ContractOperation operation)
    {
        foreach (var (status, response) in operation.Successes)
        {
            if (response.Content.Count == 0)
            {
                yield return Case(operation, $"{status} / no body", CheckKinds.ResponseSchema, ContractRules.ResponseSchema) with
                {
                    ExpectedStatus = status,
                    OwnAnomaly = !operation.IsRead,
                };
            }

            foreach (var (mediaType, media) in response.Content)
            {
                if (mediaType == "application/json" && media.Schema is not null)
                {
                    yield return Case(operation, $"{status} / body matches schema", CheckKinds.ResponseSchema, ContractRules.ResponseSchema) with
                    {
                        ExpectedStatus = status,
                        OwnAnomaly = !operation.IsRead,
                    };
                }

                yield return Case(operation, $"{status} / {mediaType}", CheckKinds.MediaType, ContractRules.Media(mediaType)) with
                {
                    Subject = mediaType,
                    ExpectedStatus = status,
                    OwnAnomaly = !operation.IsRead,
                };
            }

            foreach (var (header, _) in response.Headers.Where(h => h.Value.Required))
            {
                yield return Case(operation, $"{status} / header {header}", CheckKinds.ResponseHeader, ContractRules.Header(header)) with
                {
                    Subject = header,
                    ExpectedStatus = status,
                    OwnAnomaly = !operation.IsRead,
                };
            }
        }
    }

    private static IEnumerable<ContractCase> TokenCases(ContractOperation operation)
    {
        foreach (var (kind, what) in new[]
                 {
                     (CheckKinds.MissingToken, "no token"),
                     (CheckKinds.MalformedToken, "malformed token"),
                     (CheckKinds.UnknownToken, "unknown token"),
                 })
        {
            // A bad token's refusal is AUTH-BEARER-REQUIRED (the page names no code); a missing one's 401 is AUTH-MISSING-TOKEN.
            yield return Case(operation, kind == CheckKinds.MissingToken ? $"{what} / 401" : $"{what} / refused", kind, ContractRules.Token(kind)) with
            {
                ExpectedStatus = 401,
                OwnAnomaly = !operation.IsRead,
            };
        }
    }

    /// <summary>The first path parameter names the anomaly: unknown and malformed values of it.</summary>
    private static IEnumerable<ContractCase> IdCases(ContractOperation operation)
    {
        if (operation.PathParameters.Count == 0)
        {
            yield break;
        }

        var parameter = operation.PathParameters[0];
        if (IdValues.Accepts(parameter.Schema, IdValues.UnknownNumeric))
        {
            yield return Case(operation, $"unknown numeric {parameter.Name} / 404", CheckKinds.UnknownNumericId, ContractRules.Id(CheckKinds.UnknownNumericId)) with
            {
                Subject = parameter.Name,
                Value = IdValues.UnknownNumeric,
                ExpectedStatus = 404,
            };
        }

        if (IdValues.Accepts(parameter.Schema, IdValues.UnknownUuid))
        {
            yield return Case(operation, $"unknown UUID {parameter.Name} / 404", CheckKinds.UnknownUuid, ContractRules.Id(CheckKinds.UnknownUuid)) with
            {
                Subject = parameter.Name,
                Value = IdValues.UnknownUuid,
                ExpectedStatus = 404,
            };
        }

        // "A value that is neither answers 422" where the operation documents 422; 404 otherwise.
        var malformedStatus = operation.DocumentedStatuses.Contains(422) ? 422 : 404;
        yield return Case(operation, $"malformed {parameter.Name} / {malformedStatus}", CheckKinds.MalformedId, ContractRules.Id(CheckKinds.MalformedId)) with
        {
            Subject = parameter.Name,
            Value = IdValues.Malformed,
            ExpectedStatus = malformedStatus,
        };
    }

    private static IEnumerable<ContractCase> QueryCases(ContractOperation operation)
    {
        foreach (var parameter in operation.QueryParameters)
        {
            foreach (var invalid in SchemaValues.InvalidQueryValues(parameter.Schema))
            {
                var isDateTime = parameter.Schema.Format == "date-time";
                yield return Case(operation, $"query {parameter.Name}={invalid.Text} / 422", CheckKinds.InvalidQuery,
                    ContractRules.InvalidQuery(operation, parameter.Name, invalid.OutOfRange, isDateTime)) with
                {
                    Subject = parameter.Name,
                    Value = invalid.Text,
                    ExpectedStatus = 422,
                    OwnAnomaly = !operation.IsRead,
                };
            }
        }
    }

    private static IEnumerable<ContractCase> BodyCases(ContractOperation operation)
    {
        if (operation.BodySchema is null)
        {
            yield break;
        }

        var entry = operation.BodySchema.Type == "array" && operation.BodySchema.Items is not null ? operation.BodySchema.Items : operation.BodySchema;
        var variants = new List<(string Variant, string? Property)> { (BodyVariants.MalformedJson, null) };
        variants.AddRange(entry.Required.Select(r => (BodyVariants.MissingField, (string?)r)));
        if (entry.Properties.FirstOrDefault(p => p.Value.Type is "string" or "integer" or "boolean" or "array") is { Key: not null } typed)
        {
            variants.Add((BodyVariants.WrongType, typed.Key));
        }

        if (entry.Properties.FirstOrDefault(p => p.Value.Enum.Count > 0) is { Key: not null } enumerated)
        {
            variants.Add((BodyVariants.UnknownEnum, enumerated.Key));
        }

        if (entry is { AdditionalPropertiesAllowed: false })
        {
            variants.Add((BodyVariants.UnknownField, SchemaValues.UnknownField));
        }

        variants.Add((BodyVariants.Oversized, null));
        foreach (var (variant, property) in variants)
        {
            var status = variant == BodyVariants.Oversized ? 413 : 422;
            var what = property is null ? variant : $"{variant} {property}";
            yield return Case(operation, $"body {what} / {status}, nothing changes", CheckKinds.InvalidBody, ContractRules.InvalidBody(operation, variant)) with
            {
                Subject = property,
                Value = variant,
                ExpectedStatus = status,
                OwnAnomaly = true,
            };
        }
    }

    private static IEnumerable<ContractCase> ListBehaviourCases(ContractOperation operation)
    {
        if (!operation.IsRead || !operation.IsPaginated)
        {
            yield break;
        }

        yield return Case(operation, "pagination / envelope consistent", CheckKinds.PaginationEnvelope, ContractRules.PaginationEnvelope(operation)) with
        {
            OwnAnomaly = operation.PathParameters.Count > 0,
        };
        // The history walk depends on history honouring size, which is its envelope rule's business.
        var walkRule = operation.PathParameters.Count > 0 ? ContractRules.PaginationEnvelope(operation) : "PAGINATION-WALK";
        yield return Case(operation, "pagination / walk yields each item once", CheckKinds.PaginationWalk, walkRule) with
        {
            OwnAnomaly = operation.PathParameters.Count > 0,
        };

        // Sorting and filtering are checked on the top-level collection, whose items the world controls.
        if (operation.PathParameters.Count > 0)
        {
            yield break;
        }

        foreach (var sort in operation.QueryParameters.Where(p => p.Name.StartsWith("sort_", StringComparison.Ordinal)))
        {
            yield return Case(operation, $"{sort.Name} / both directions order the items", CheckKinds.Sort, ContractRules.Sort(sort.Name)) with
            {
                Subject = sort.Name,
            };
        }

        foreach (var filter in operation.QueryParameters.Where(p => p.Schema.Type == "array" && ContractRules.FilterValues.ContainsKey(p.Name)))
        {
            yield return Case(operation, $"filter {filter.Name} / items match, repeated values OR", CheckKinds.Filter, ContractRules.Filter(filter.Name)) with
            {
                Subject = filter.Name,
            };
        }
    }
}

/// <summary>Well-formed ids that name nothing, and one that is no id at all.</summary>
public static class IdValues
{
    // Beyond any id a test run issues, and still an int64 (a server parsing int64 must not fail on it).
    public const string UnknownNumeric = "9007199254740993";
    public const string UnknownUuid = "00000000-0000-4000-8000-00000c0ffee0";
    public const string Malformed = "not-an-id";

    public static bool Accepts(OpenApiSchema schema, string value) => schema.Type switch
    {
        "integer" => long.TryParse(value, out _),
        "string" when schema.Pattern is { } pattern => System.Text.RegularExpressions.Regex.IsMatch(value, pattern),
        "string" when schema.Format == "uuid" => Guid.TryParse(value, out _),
        "string" => true,
        _ => false,
    };
}
