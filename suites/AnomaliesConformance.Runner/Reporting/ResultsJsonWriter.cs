using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core;

namespace AnomaliesConformance.Runner.Reporting;

/// <summary>Writes results.json, the machine-readable verdicts (schema: specs/results.schema.json).</summary>
public static class ResultsJsonWriter
{
    public const string SchemaId = "anomalies-conformance/results/v1";

    // Relaxed escaping keeps text as written (no \u002B for '+'), so the final redaction pass over the file
    // text sees every secret as the redactor knows it; the output is a file, never inlined into HTML.
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Render(RunReport report)
    {
        JsonNode? Counts(Func<string, int> count) => new JsonObject
        {
            ["passed"] = count(Verdicts.Passed),
            ["failed"] = count(Verdicts.Failed),
            ["skipped"] = count(Verdicts.Skipped),
            ["inconclusive"] = count(Verdicts.Inconclusive),
            ["waived"] = count(Verdicts.Waived),
        };

        var testCounts = Counts(report.TestCount)!.AsObject();
        testCounts["target_error"] = report.TestCount(Verdicts.TargetError);
        var document = new JsonObject
        {
            ["schema"] = SchemaId,
            ["target"] = report.Target,
            ["seed"] = report.Seed,
            ["spec_version"] = report.SpecVersion,
            ["started"] = report.Started.ToString("O"),
            ["duration_seconds"] = Math.Round(report.Duration.TotalSeconds, 3),
            ["reference_faults"] = new JsonArray(report.Faults.Select(f => (JsonNode?)f).ToArray()),
            ["conformant"] = report.Conformant,
            ["must_pass_rate"] = report.PassRate("MUST"),
            ["should_pass_rate"] = report.PassRate("SHOULD"),
            ["summary"] = Counts(report.RuleCount),
            ["test_summary"] = testCounts,
            ["request_policy"] = new JsonObject
            {
                ["timeout_seconds"] = report.RequestPolicy.Timeout.TotalSeconds,
                ["max_retries"] = report.RequestPolicy.MaxRetries,
                ["rate_limit_per_second"] = report.RequestPolicy.RateLimitPerSecond,
                ["read_only"] = report.RequestPolicy.ReadOnly,
            },
            ["requests"] = new JsonObject
            {
                ["total"] = report.RequestsSent,
                ["checks"] = report.CheckRequests,
            },
            ["retries"] = new JsonObject
            {
                ["total"] = report.TotalRetries,
                ["setup"] = report.SetupRetries,
                ["tests"] = report.Tests.Count(t => t.Retries > 0),
            },
            ["observations"] = new JsonArray(report.Findings.Observations.Select(o => (JsonNode?)new JsonObject
            {
                ["rule"] = o.Rule,
                ["test"] = o.Test,
                ["summary"] = o.Summary,
                ["observed"] = o.Observed,
            }).ToArray()),
            ["warnings"] = new JsonArray(report.AllWarnings
                .Select(w => (JsonNode?)new JsonObject
                {
                    ["rule"] = w.Rule,
                    ["test"] = w.Test,
                    ["message"] = w.Message,
                }).ToArray()),
            ["permission_matrix"] = new JsonArray(report.Findings.PermissionCells
                .OrderBy(c => c.Endpoint, StringComparer.Ordinal).ThenBy(c => c.Role, StringComparer.Ordinal)
                .Select(c => (JsonNode?)new JsonObject
                {
                    ["endpoint"] = c.Endpoint,
                    ["role"] = c.Role,
                    ["expected"] = c.Expected,
                    ["observed"] = c.Observed,
                    ["status"] = c.Status,
                    ["test"] = c.Test,
                }).ToArray()),
            ["canary"] = report.Canary is null ? null : new JsonObject
            {
                ["anomaly"] = report.Canary.Anomaly,
                ["unchanged"] = report.Canary.Unchanged,
            },
            ["cleanup"] = report.Cleanup is null ? null : new JsonObject
            {
                ["run"] = report.Cleanup.Run,
                ["verified"] = report.Cleanup.Verified,
                ["removed"] = new JsonObject(report.Cleanup.Removed.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)r.Value))),
                ["remaining"] = new JsonObject(report.Cleanup.Remaining.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)r.Value))),
            },
            ["missing_fixtures"] = new JsonArray(report.Findings.MissingFixtures
                .Select(m => (JsonNode?)new JsonObject { ["test"] = m.Test, ["missing"] = m.Missing }).ToArray()),
            ["missing_fixture_summary"] = new JsonArray([.. MissingFixtureSummary.Of(report.Findings.MissingFixtures, report.Tests).Select(l => (JsonNode?)new JsonObject
            {
                ["missing"] = l.Missing,
                ["checks"] = l.Checks,
                ["rules_it_would_judge"] = new JsonArray([.. l.RulesItWouldJudge.Select(r => (JsonNode?)r)]),
            })]),
            ["restores"] = new JsonArray(report.Findings.Restores
                .Select(r => (JsonNode?)new JsonObject { ["anomaly"] = r.Anomaly, ["test"] = r.Test, ["verified"] = r.Verified, ["difference"] = r.Difference }).ToArray()),
            ["waivers"] = new JsonArray(report.Waivers.Select(w => (JsonNode?)new JsonObject
            {
                ["id"] = w.Waiver.Id,
                ["rule"] = w.Waiver.Rule,
                ["reason"] = w.Waiver.Reason,
                ["owner"] = w.Waiver.Owner,
                ["expires"] = w.Waiver.Expires.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                ["state"] = w.State,
                ["stale"] = w.IsStale,
                ["explanation"] = w.Explanation,
            }).ToArray()),
            ["spec_drift"] = report.SpecDrift is not { } drift ? null : new JsonObject
            {
                ["target_document"] = drift.TargetDocument,
                ["saved_as"] = drift.SavedAs,
                ["compared_with"] = drift.ComparedWith,
                ["count"] = drift.Items.Count,
                ["items"] = new JsonArray(drift.Items.Select(i => (JsonNode?)new JsonObject
                {
                    ["kind"] = i.Kind,
                    ["where"] = i.Where,
                    ["name"] = i.Name,
                    ["only_in"] = i.OnlyIn,
                }).ToArray()),
            },
            ["baseline"] = report.Baseline is not { } baseline ? null : new JsonObject
            {
                ["file"] = baseline.Baseline,
                ["target"] = baseline.BaselineTarget,
                ["started"] = baseline.BaselineStarted,
                ["regressions"] = new JsonArray([.. baseline.Regressions.Select(r => (JsonNode?)r.Rule)]),
                ["counts"] = new JsonObject(ComparisonCategories.All.Select(c => KeyValuePair.Create(c, (JsonNode?)baseline.In(c).Count))),
                // Every rule but the unchanged and the not compared ones, which are only counted.
                ["rules"] = new JsonArray([.. baseline.Changes.Select(r => (JsonNode?)new JsonObject
                {
                    ["id"] = r.Rule,
                    ["level"] = r.Level,
                    ["category"] = r.Category,
                    ["before"] = r.Before,
                    ["now"] = r.Now,
                    ["regression"] = r.Regression,
                })]),
            },
            ["certification"] = report.Certification?.ToJson(),
            ["shard"] = report.Shard?.ToJson(),
            ["spec_coverage"] = report.SpecCoveragePage,
            ["server_coverage"] = report.ServerCoveragePage,
            ["unknown_rule_ids"] = new JsonArray(report.UnknownRuleIds.Select(i => (JsonNode?)i).ToArray()),
            ["rules"] = new JsonArray(report.Rules.Select(r => (JsonNode?)new JsonObject
            {
                ["id"] = r.Rule.Id,
                ["level"] = r.Rule.Level,
                ["area"] = r.Rule.Area,
                ["summary"] = r.Rule.Summary,
                ["endpoints"] = new JsonArray(r.Rule.Endpoints.Select(e => (JsonNode?)e).ToArray()),
                ["waived_by"] = r.WaivedBy?.Id,
                ["verdict"] = r.Verdict,
                ["tests"] = r.Tests.Count,
                ["requests"] = RunReport.RequestsOf(r),
                ["note"] = r.Note,
                ["sentence"] = r.Rule.Sentence,
                ["test_results"] = new JsonArray(r.Tests.Select(t => (JsonNode?)new JsonObject
                {
                    ["name"] = t.Name,
                    ["verdict"] = t.Verdict,
                    ["message"] = t.Message,
                }).ToArray()),
            }).ToArray()),
            ["tests"] = new JsonArray(report.Tests.Select(t => (JsonNode?)new JsonObject
            {
                ["id"] = t.Id,
                ["name"] = t.Name,
                ["fixture"] = t.Fixture,
                ["rules"] = new JsonArray(t.Rules.Select(r => (JsonNode?)r).ToArray()),
                ["effect"] = t.Effect,
                ["verdict"] = t.Verdict,
                ["duration_seconds"] = Math.Round(t.DurationSeconds, 3),
                ["message"] = t.Message,
                ["exchanges"] = t.Exchanges.Count,
                ["retries"] = t.Retries,
                ["last_exchange"] = t.Verdict is Verdicts.Failed or Verdicts.TargetError && t.Exchanges.Count > 0 ? Brief(t.Exchanges[^1]) : null,
                ["expected_observed"] = ExpectedObserved.Of(t) is { } pair ? new JsonObject { ["subject"] = pair.Subject, ["expected"] = pair.Expected, ["observed"] = pair.Observed } : null,
            }).ToArray()),
        };
        return document.ToJsonString(Options);
    }

    /// <summary>The exchange a failing test stopped at, enough to find it in exchanges.ndjson and replay it.</summary>
    private static JsonObject Brief(Exchange exchange) => new()
    {
        ["sequence"] = exchange.Sequence,
        ["purpose"] = exchange.Purpose,
        ["actor"] = exchange.Actor,
        ["method"] = exchange.Method,
        ["url"] = exchange.Url,
        ["attempt"] = exchange.Attempt,
        ["status"] = exchange.Status,
        ["transport_error"] = exchange.TransportError,
        ["response_body_chars"] = exchange.ResponseBodyBytes,
        ["curl"] = exchange.Curl,
    };
}
