using System.Text.Json;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Running;

namespace AnomaliesConformance.Core.Reporting;

/// <summary>Writes results.json, the machine-readable verdicts (schema: specs/results.schema.json).</summary>
public static class ResultsJsonWriter
{
    public const string SchemaId = "anomalies-conformance/results/v1";

    public static void Write(RunReport report, string path)
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
            ["unknown_rule_ids"] = new JsonArray(report.UnknownRuleIds.Select(i => (JsonNode?)i).ToArray()),
            ["rules"] = new JsonArray(report.Rules.Select(r => (JsonNode?)new JsonObject
            {
                ["id"] = r.Rule.Id,
                ["level"] = r.Rule.Level,
                ["area"] = r.Rule.Area,
                ["verdict"] = r.Verdict,
                ["tests"] = r.Tests.Count,
                ["note"] = r.Note,
                ["sentence"] = r.Rule.Sentence,
                ["test_results"] = new JsonArray(r.Tests.Select(t => (JsonNode?)new JsonObject
                {
                    ["name"] = t.Name,
                    ["verdict"] = t.Verdict,
                    ["message"] = t.Message,
                }).ToArray()),
            }).ToArray()),
            ["warnings"] = new JsonArray(report.Tests.SelectMany(t => t.Warnings.Select(w => (JsonNode?)new JsonObject
            {
                ["test"] = t.Name,
                ["rules"] = new JsonArray(t.Rules.Select(r => (JsonNode?)r).ToArray()),
                ["message"] = w,
            })).ToArray()),
            ["tests"] = new JsonArray(report.Tests.Select(t => (JsonNode?)new JsonObject
            {
                ["id"] = t.Id,
                ["name"] = t.Name,
                ["rules"] = new JsonArray(t.Rules.Select(r => (JsonNode?)r).ToArray()),
                ["verdict"] = t.Verdict,
                ["duration_seconds"] = Math.Round(t.DurationSeconds, 3),
                ["message"] = t.Message,
                ["exchanges"] = t.Exchanges.Count,
            }).ToArray()),
        };
        File.WriteAllText(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
