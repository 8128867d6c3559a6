namespace AnomaliesConformance.Core.Http;

/// <summary>
/// Answers that say the target could not serve a request rather than how it behaves: no answer at all (or
/// one that broke off), a server error (5xx), or a refusal (429) that outlasted the retries. The contract
/// asks for none of them, so a check stopped by one is a target error, not a failed rule
/// (specs/contract-choices.md, "Faulty targets").
/// </summary>
public static class TargetTrouble
{
    /// <summary>Why this exchange is target trouble, or null when it is an answer a rule can be judged by.</summary>
    public static string? Of(Exchange exchange) => exchange switch
    {
        { TransportError: { } error } => error,
        { Status: >= 500 } => $"the target answered {exchange.Status}, a server error",
        { Status: 429 } => exchange.IsRetry ? "the target answered 429 (too many requests) to every retry" : "the target answered 429 (too many requests)",
        _ => null,
    };
}
