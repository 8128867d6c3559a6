using System.Text;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core;

namespace AnomaliesConformance.Runner.Reporting;

/// <summary>
/// The plain-text account of a failed test: the rule and its doc sentence, what was expected and what
/// happened, the role used, the last request and response, and a curl line. Used by JUnit and the console.
/// </summary>
public static class FailureNarrative
{
    private const int BodyPreview = 2000;

    public static string For(TestOutcome test, RunReport report)
    {
        var text = new StringBuilder();
        foreach (var ruleId in test.Rules)
        {
            var rule = report.Rules.FirstOrDefault(r => r.Rule.Id == ruleId)?.Rule;
            text.AppendLine($"Rule {ruleId} ({rule?.Level ?? "unknown rule"}): {rule?.Summary}");
            text.AppendLine($"Doc sentence: \"{rule?.Sentence}\"");
        }

        text.AppendLine($"Verdict: {test.Verdict}");
        if (ExpectedObserved.Of(test) is { } pair)
        {
            text.AppendLine($"In short: {pair}");
        }

        text.AppendLine($"What happened: {test.Message}");
        var acting = LastAct(test);
        if (acting is not null)
        {
            text.AppendLine($"Role used: {acting.Actor}");
            Describe("Request under test", acting, text);
        }

        var last = test.Exchanges.LastOrDefault();
        if (last is not null && last != acting)
        {
            Describe($"Last exchange ({last.Purpose}, as {last.Actor})", last, text);
        }

        if (test.Exchanges.Count > 1)
        {
            text.AppendLine("Exchanges leading up to it:");
            foreach (var exchange in test.Exchanges)
            {
                text.AppendLine($"  #{exchange.Sequence} {exchange.Purpose} as {exchange.Actor}: {exchange.Method} {exchange.Url} -> {exchange.Outcome}{(exchange.IsRetry ? $" (attempt {exchange.Attempt})" : "")}");
            }
        }

        return text.ToString();
    }

    /// <summary>The request a failure is about: the test's last action, not a read-back or provisioning.</summary>
    public static Exchange? LastAct(TestOutcome test) =>
        test.Exchanges.LastOrDefault(e => e.Purpose == ExchangePurpose.Act) ?? test.Exchanges.LastOrDefault();

    private static void Describe(string title, Exchange exchange, StringBuilder text)
    {
        text.AppendLine($"{title}: {exchange.Method} {exchange.Url}");
        if (exchange.RequestBody is not null)
        {
            text.AppendLine($"  request body: {Preview(exchange.RequestBody)}");
        }

        text.AppendLine(exchange.Status == 0
            ? $"  response: none ({exchange.TransportError})"
            : $"  response: {exchange.Outcome}, body ({exchange.ResponseBodyBytes} chars): {Preview(exchange.ResponseBody)}");
        text.AppendLine($"  reproduce: {exchange.Curl}");
    }

    private static string Preview(string? body) =>
        body is null ? "(none)" : body.Length <= BodyPreview ? body : body[..BodyPreview] + $"... (truncated, {body.Length} chars)";
}
