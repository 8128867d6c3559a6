using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;

namespace AnomaliesConformance.Runner.Reporting;

/// <summary>
/// The two-target comparison's files beside the two runs' folders: comparison.json (specs/comparison.schema.json),
/// index.html (the comparison page, linking each run's own report) and summary.md; and its console lines. Every text
/// is redacted once more before it is written, like a run's reports.
/// </summary>
public static class TargetComparisonWriters
{
    private const int MaxConsoleRules = 40;
    private const int MaxShapePaths = 12;

    public static readonly IReadOnlyList<(string File, Func<TargetComparison, string> Render)> Writers =
    [
        ("comparison.json", RenderJson),
        ("summary.md", RenderMarkdown),
        ("index.html", RenderHtml),
    ];

    private const string AnswerDifferencesMean = "status, body shape, or a request only one run sent";

    public static void Write(TargetComparison comparison, string directory, Redactor redactor)
    {
        foreach (var (file, render) in Writers)
        {
            File.WriteAllText(Path.Combine(directory, file), redactor.Redact(render(comparison)));
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string RenderJson(TargetComparison c)
    {
        static JsonNode? Exchange(ComparedExchange? e) => e is null ? null : new JsonObject
        {
            ["sequence"] = e.Sequence,
            ["actor"] = e.Actor,
            ["method"] = e.Method,
            ["path"] = e.Path,
            ["status"] = e.Status,
            ["outcome"] = e.Outcome,
            ["body_excerpt"] = e.BodyExcerpt,
        };
        static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());
        static JsonObject Side(ComparedSide side) => new()
        {
            ["target"] = side.Target,
            ["report"] = side.Folder + "/index.html",
            ["results"] = side.Folder + "/results.json",
            ["conformant"] = side.Conformant,
            ["reference_faults"] = Strings(side.ReferenceFaults),
            ["exit_code"] = side.ExitCode,
        };

        var document = new JsonObject
        {
            ["schema"] = TargetComparison.SchemaId,
            ["seed"] = c.Seed,
            ["primary"] = Side(c.Primary),
            ["compared"] = Side(c.Compared),
            ["counts"] = new JsonObject
            {
                ["rules_compared"] = c.RulesCompared,
                ["verdict_differences"] = c.VerdictDifferences.Count,
                ["answer_differences"] = c.AnswerDifferences.Count,
            },
            ["verdict_differences"] = Strings(c.VerdictDifferences.Select(r => r.Rule)),
            ["answer_differences"] = Strings(c.AnswerDifferences.Select(r => r.Rule)),
            ["rules"] = new JsonArray(c.Rules.Select(r => (JsonNode?)new JsonObject
            {
                ["id"] = r.Rule,
                ["level"] = r.Level,
                ["summary"] = r.Summary,
                ["primary_verdict"] = r.PrimaryVerdict,
                ["compared_verdict"] = r.ComparedVerdict,
                ["verdict_differs"] = r.VerdictDiffers,
                ["checks"] = new JsonArray(r.Checks.Select(k => (JsonNode?)new JsonObject
                {
                    ["check"] = k.Check,
                    ["primary_verdict"] = k.PrimaryVerdict,
                    ["compared_verdict"] = k.ComparedVerdict,
                    ["primary_message"] = k.PrimaryMessage,
                    ["compared_message"] = k.ComparedMessage,
                    ["primary"] = Exchange(k.Primary),
                    ["compared"] = Exchange(k.Compared),
                }).ToArray()),
                ["answers"] = new JsonArray(r.Answers.Select(a => (JsonNode?)new JsonObject
                {
                    ["check"] = a.Check,
                    ["differs"] = Strings(a.Differs),
                    ["primary"] = Exchange(a.Primary),
                    ["compared"] = Exchange(a.Compared),
                    ["shape_only_primary"] = Strings(a.ShapeOnlyPrimary),
                    ["shape_only_compared"] = Strings(a.ShapeOnlyCompared),
                }).ToArray()),
            }).ToArray()),
        };
        return document.ToJsonString(JsonOptions);
    }

    public static string RenderMarkdown(TargetComparison c)
    {
        var md = new StringBuilder();
        md.AppendLine(c.VerdictDifferences.Count == 0
            ? "## Anomalies API two-target comparison: SAME VERDICTS"
            : $"## Anomalies API two-target comparison: {c.VerdictDifferences.Count} rule verdict(s) differ");
        md.AppendLine();
        md.AppendLine($"The same checks with seed {c.Seed.ToString(CultureInfo.InvariantCulture)} against two targets; {c.RulesCompared} rules checked, " +
            $"{c.VerdictDifferences.Count} with different verdicts, {c.AnswerDifferences.Count} whose answers differ ({AnswerDifferencesMean}).");
        md.AppendLine();
        md.AppendLine("| run | target | conformant | report |");
        md.AppendLine("|---|---|---|---|");
        foreach (var (name, side) in new[] { ("primary", c.Primary), ("compared", c.Compared) })
        {
            md.AppendLine($"| {name} | `{Cell(side.Target)}`{(side.ReferenceFaults.Count > 0 ? $" (faults: {string.Join(", ", side.ReferenceFaults)})" : "")} | {(side.Conformant ? "yes" : "no")} | `{side.Folder}/summary.md` |");
        }

        md.AppendLine();
        if (c.Rules.Count == 0)
        {
            md.AppendLine("No rule's verdict or answers differ.");
            return md.ToString();
        }

        md.AppendLine("| rule | level | primary | compared | differing answers | first difference (primary / compared) |");
        md.AppendLine("|---|---|---|---|---:|---|");
        foreach (var rule in c.Rules)
        {
            var (primary, compared) = FirstPair(rule);
            var verdicts = rule.VerdictDiffers ? $"**{rule.PrimaryVerdict}** | **{rule.ComparedVerdict}**" : $"{rule.PrimaryVerdict} | {rule.ComparedVerdict}";
            md.AppendLine($"| `{rule.Rule}` | {rule.Level} | {verdicts} | {rule.Answers.Count} | {Cell(Line(primary))} / {Cell(Line(compared))} |");
        }

        md.AppendLine();
        md.AppendLine("The exchanges side by side: `index.html` and `comparison.json` of this folder.");
        return md.ToString();
    }

    public static void WriteConsole(TargetComparison c, TextWriter console, string directory)
    {
        console.WriteLine();
        console.WriteLine(c.VerdictDifferences.Count == 0
            ? "COMPARISON: SAME VERDICTS on both targets"
            : $"COMPARISON: {c.VerdictDifferences.Count} RULE VERDICT(S) DIFFER");
        console.WriteLine($"  primary:  {c.Primary.Target}{Faults(c.Primary)} ({(c.Primary.Conformant ? "conformant" : "not conformant")})");
        console.WriteLine($"  compared: {c.Compared.Target}{Faults(c.Compared)} ({(c.Compared.Conformant ? "conformant" : "not conformant")})");
        console.WriteLine($"  {c.RulesCompared} rules checked, seed {c.Seed}; {c.VerdictDifferences.Count} verdict(s) differ, {c.AnswerDifferences.Count} rule(s) whose answers differ ({AnswerDifferencesMean})");
        foreach (var rule in c.Rules.Take(MaxConsoleRules))
        {
            console.WriteLine(rule.VerdictDiffers
                ? $"  {"VERDICT DIFFERS",-16} {rule.Rule} ({rule.Level}): primary {rule.PrimaryVerdict}, compared {rule.ComparedVerdict}"
                : $"  {"ANSWERS DIFFER",-16} {rule.Rule} ({rule.Level}): {rule.Answers.Count} request(s): {string.Join(", ", rule.Answers.SelectMany(a => a.Differs).Distinct().Select(Describe))}");
            var (primary, compared) = FirstPair(rule);
            if (primary is not null || compared is not null)
            {
                console.WriteLine($"    primary:  {Line(primary)}");
                console.WriteLine($"    compared: {Line(compared)}");
            }
        }

        if (c.Rules.Count > MaxConsoleRules)
        {
            console.WriteLine($"  ... and {c.Rules.Count - MaxConsoleRules} more in comparison.json");
        }

        console.WriteLine($"Comparison: {Path.Combine(directory, "index.html")} (also comparison.json, summary.md; each run's reports in {c.Primary.Folder}/ and {c.Compared.Folder}/)");
    }

    public static string RenderHtml(TargetComparison c)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Anomalies API two-target comparison</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top;text-align:left}")
            .Append(".banner{padding:.8rem;border-radius:6px}.same{background:#e3f5e1}.differ{background:#fde2e1}pre{white-space:pre-wrap;word-break:break-all;margin:0;font-size:.85em;max-width:48rem}")
            .Append(".side{width:50%}.verdict-differs{font-weight:bold;color:#a00}")
            .Append("</style></head><body>");
        html.Append($"<div class=\"banner {(c.VerdictDifferences.Count == 0 ? "same" : "differ")}\"><h1>")
            .Append(c.VerdictDifferences.Count == 0 ? "Same verdicts on both targets" : $"{c.VerdictDifferences.Count} rule verdict(s) differ")
            .Append($"</h1><p>The same checks with seed {c.Seed} against two targets: {c.RulesCompared} rules checked, {c.VerdictDifferences.Count} with different verdicts, {c.AnswerDifferences.Count} whose answers differ ({AnswerDifferencesMean}).</p></div>");
        html.Append("<table><tr><th>run</th><th>target</th><th>conformant</th><th>report</th></tr>");
        foreach (var (name, side) in new[] { ("primary", c.Primary), ("compared", c.Compared) })
        {
            html.Append($"<tr><td>{name}</td><td><code>{E(side.Target)}</code>{(side.ReferenceFaults.Count > 0 ? $" (faults: {E(string.Join(", ", side.ReferenceFaults))})" : "")}</td><td>{(side.Conformant ? "yes" : "no")}</td><td><a href=\"{E(side.Folder)}/index.html\">{E(side.Folder)}/index.html</a></td></tr>");
        }

        html.Append("</table>");
        html.Append("<section id=\"comparison\"><h2>Rules that differ</h2>");
        if (c.Rules.Count == 0)
        {
            html.Append("<p>No rule's verdict or answers differ.</p>");
        }

        foreach (var rule in c.Rules)
        {
            html.Append($"<section id=\"rule-{E(rule.Rule)}\" data-verdict-differs=\"{(rule.VerdictDiffers ? "true" : "false")}\"><h3>{E(rule.Rule)} ({E(rule.Level)}): ")
                .Append(rule.VerdictDiffers ? $"<span class=\"verdict-differs\">primary {E(rule.PrimaryVerdict)}, compared {E(rule.ComparedVerdict)}</span>" : $"both {E(rule.PrimaryVerdict)}, answers differ")
                .Append($"</h3><p>{E(rule.Summary)} (in the runs' reports: <a href=\"{E(c.Primary.Folder)}/index.html#rule-{E(rule.Rule)}\">primary</a>, <a href=\"{E(c.Compared.Folder)}/index.html#rule-{E(rule.Rule)}\">compared</a>)</p>");
            foreach (var check in rule.Checks)
            {
                html.Append($"<h4>Check {E(check.Check)}: primary {E(check.PrimaryVerdict)}, compared {E(check.ComparedVerdict)}</h4>");
                SideBySide(html, check.Primary, check.Compared, check.PrimaryMessage, check.ComparedMessage);
            }

            foreach (var answer in rule.Answers)
            {
                html.Append($"<h4>Check {E(answer.Check)}: {E(string.Join("; ", answer.Differs.Select(Describe)))}</h4>");
                SideBySide(html, answer.Primary, answer.Compared, ShapeNote(answer.ShapeOnlyPrimary), ShapeNote(answer.ShapeOnlyCompared));
            }

            html.Append("</section>");
        }

        html.Append("</section></body></html>");
        return html.ToString();
    }

    private static void SideBySide(StringBuilder html, ComparedExchange? primary, ComparedExchange? compared, string? primaryNote, string? comparedNote)
    {
        static string Cell(ComparedExchange? e, string? note) =>
            (e is null ? "<p>(no such request)</p>" : $"<p><code>{E(e.Method)} {E(e.Path)}</code> as {E(e.Actor)} &rarr; <b>{E(e.Outcome)}</b></p><pre>{E(e.BodyExcerpt)}</pre>")
            + (note is null ? "" : $"<pre>{E(note)}</pre>");
        html.Append("<table class=\"pair\"><tr><th class=\"side\">primary</th><th class=\"side\">compared</th></tr><tr><td>")
            .Append(Cell(primary, primaryNote)).Append("</td><td>").Append(Cell(compared, comparedNote)).Append("</td></tr></table>");
    }

    private static string? ShapeNote(IReadOnlyList<string> paths) => paths.Count == 0
        ? null
        : "only here: " + string.Join(", ", paths.Take(MaxShapePaths)) + (paths.Count > MaxShapePaths ? $" and {paths.Count - MaxShapePaths} more" : "");

    /// <summary>The exchange pair that best shows a rule's difference: a differing check's decisive one, else its first differing answer.</summary>
    private static (ComparedExchange? Primary, ComparedExchange? Compared) FirstPair(RuleDifference rule) =>
        rule.Checks.FirstOrDefault(k => k.Primary is not null || k.Compared is not null) is { } check ? (check.Primary, check.Compared)
        : rule.Answers.FirstOrDefault() is { } answer ? (answer.Primary, answer.Compared)
        : (null, null);

    private static string Describe(string difference) => difference switch
    {
        AnswerDifference.Status => "the status differs",
        AnswerDifference.Shape => "the body's shape differs",
        _ => "a request only one run sent",
    };

    private static string Line(ComparedExchange? e) => e is null ? "(no such request)" : $"{e.Method} {e.Path} -> {e.Outcome}";

    private static string Faults(ComparedSide side) => side.ReferenceFaults.Count > 0 ? $" with faults {string.Join(", ", side.ReferenceFaults)}" : "";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
