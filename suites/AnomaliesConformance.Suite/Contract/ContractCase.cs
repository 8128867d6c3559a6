namespace AnomaliesConformance.Suite.Contract;

/// <summary>
/// One generated check: what to send for which operation, what to expect, and the catalogue rule it
/// enforces. Cases are pure data derived from the OpenAPI document; <see cref="ContractTests"/> runs them.
/// </summary>
public sealed record ContractCase(string Name, string OperationId, string Kind, string Rule)
{
    /// <summary>The parameter, body property, header or media type the case is about, if any.</summary>
    public string? Subject { get; init; }

    /// <summary>The probe value (an invalid query value, a body variant), if any.</summary>
    public string? Value { get; init; }

    /// <summary>The status the document says the probe gets, if the case expects one.</summary>
    public int? ExpectedStatus { get; init; }

    /// <summary>The case may change state, so it acts on an anomaly provisioned for it alone.</summary>
    public bool OwnAnomaly { get; init; }

    public override string ToString() => Name;
}

/// <summary>The kinds of generated checks (an NUnit category of every case, beside its operation and rule).</summary>
public static class CheckKinds
{
    public const string ResponseSchema = "response-schema";
    public const string MediaType = "media-type";
    public const string ResponseHeader = "response-header";
    public const string DocumentedStatus = "documented-status";
    public const string MissingToken = "missing-token";
    public const string MalformedToken = "malformed-token";
    public const string UnknownToken = "unknown-token";
    public const string UnknownNumericId = "unknown-numeric-id";
    public const string UnknownUuid = "unknown-uuid";
    public const string MalformedId = "malformed-id";
    public const string InvalidQuery = "invalid-query";
    public const string InvalidBody = "invalid-body";
    public const string PaginationEnvelope = "pagination-envelope";
    public const string PaginationWalk = "pagination-walk";
    public const string Sort = "sort";
    public const string Filter = "filter";
    public const string FuzzStatus = "fuzz-status";
    public const string FuzzSchema = "fuzz-schema";
}

/// <summary>The variants of an invalid request body.</summary>
public static class BodyVariants
{
    public const string MalformedJson = "malformed JSON";
    public const string MissingField = "missing";
    public const string WrongType = "wrong type";
    public const string UnknownEnum = "unknown enum value";
    public const string UnknownField = "unknown field";
    public const string Oversized = "oversized";
}
