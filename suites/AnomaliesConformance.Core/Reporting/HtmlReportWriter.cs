using System.Net;
using System.Text;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Core.Running;

namespace AnomaliesConformance.Core.Reporting;

/// <summary>
/// Writes index.html: one self-contained page (inline styles, no fetches, readable without JavaScript):
/// the verdict banner, then rules grouped by area, each failure with its exchanges and curl line.
/// </summary>
public static class HtmlReportWriter
{
    private const string Style = """
        body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:1rem;color:#1b1f24}
        h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccd}
        .banner{padding:1rem;border-radius:6px;color:#fff}.banner.ok{background:#1f7a3a}.banner.bad{background:#b3261e}
        .banner dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem;margin:.5rem 0 0}
        table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e3e6ea;padding:.35rem .5rem;text-align:left;vertical-align:top}
        .v{font-weight:600;text-transform:uppercase;font-size:.8rem}.v-passed{color:#1f7a3a}.v-failed{color:#b3261e}
        .v-inconclusive,.v-target-error{color:#8a5300}.v-skipped{color:#666}
        .sentence{color:#444;font-style:italic}pre{background:#f4f5f7;padding:.5rem;overflow:auto;white-space:pre-wrap;word-break:break-all}
        details{margin:.3rem 0}summary{cursor:pointer}code{background:#f4f5f7;padding:0 .2rem}
        .pm td{font-size:.8rem;white-space:nowrap}.pm .match{color:#1f7a3a}.pm .mismatch{color:#fff;background:#b3261e}
        """;

    public static void Write(RunReport report, string path)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
            .Append("<title>Anomalies API conformance: ").Append(E(report.Target)).Append("</title><style>").Append(Style).Append("</style></head><body>");
        Banner(report, html);
        Failures(report, html);
        PermissionMatrix(report, html);
        RulesByArea(report, html);
        html.Append("</body></html>");
        File.WriteAllText(path, html.ToString());
    }

    private static void Banner(RunReport report, StringBuilder html)
    {
        html.Append("<div class=\"banner ").Append(report.Conformant ? "ok" : "bad").Append("\"><h1>")
            .Append(report.Conformant ? "Conformant: every checked MUST rule passed" : "Not conformant: MUST rules failed or could not be judged")
            .Append("</h1><dl>");
        void Row(string name, string value) => html.Append("<dt>").Append(E(name)).Append("</dt><dd>").Append(E(value)).Append("</dd>");
        Row("Target", report.Target);
        Row("MUST rules passed", report.PassRate("MUST"));
        Row("SHOULD rules passed", report.PassRate("SHOULD"));
        Row("Rules", $"{report.RuleCount(Verdicts.Passed)} passed, {report.RuleCount(Verdicts.Failed)} failed, {report.RuleCount(Verdicts.Skipped)} skipped, {report.RuleCount(Verdicts.Inconclusive)} inconclusive, {report.RuleCount(Verdicts.Waived)} waived");
        Row("Tests", $"{report.TestCount(Verdicts.Passed)} passed, {report.TestCount(Verdicts.Failed)} failed, {report.TestCount(Verdicts.TargetError)} target errors, {report.TestCount(Verdicts.Skipped)} skipped, {report.TestCount(Verdicts.Inconclusive)} inconclusive");
        Row("Spec version", report.SpecVersion);
        Row("Seed", report.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Row("Started", report.Started.ToString("u"));
        Row("Duration", $"{report.Duration.TotalSeconds:0.0} s");
        if (report.Faults.Count > 0)
        {
            Row("Reference faults on", string.Join(", ", report.Faults));
        }

        if (report.UnknownRuleIds.Count > 0)
        {
            Row("Tests naming rules missing from the catalogue", string.Join(", ", report.UnknownRuleIds));
        }

        html.Append("</dl></div>");
    }

    private static void Failures(RunReport report, StringBuilder html)
    {
        var failing = report.Tests.Where(t => t.Verdict is Verdicts.Failed or Verdicts.TargetError).ToList();
        html.Append("<h2 id=\"failures\">Failures (").Append(failing.Count).Append(")</h2>");
        if (failing.Count == 0)
        {
            html.Append("<p>No check failed.</p>");
            return;
        }

        foreach (var test in failing)
        {
            html.Append("<details class=\"failure\" open><summary><span class=\"v v-").Append(test.Verdict).Append("\">").Append(test.Verdict)
                .Append("</span> <code>").Append(E(string.Join(", ", test.Rules))).Append("</code> ").Append(E(test.Name)).Append("</summary>");
            foreach (var ruleId in test.Rules)
            {
                var rule = report.Rules.FirstOrDefault(r => r.Rule.Id == ruleId)?.Rule;
                html.Append("<p><b>").Append(E(ruleId)).Append("</b> (").Append(E(rule?.Level ?? "?")).Append(") ").Append(E(rule?.Summary ?? ""))
                    .Append("<br><span class=\"sentence\">“").Append(E(rule?.Sentence ?? "")).Append("”</span></p>");
            }

            html.Append("<p><b>Expected versus actual:</b></p><pre>").Append(E(test.Message ?? "")).Append("</pre>");
            var acting = FailureNarrative.LastAct(test);
            if (acting is not null)
            {
                html.Append("<p><b>Role used:</b> ").Append(E(acting.Actor)).Append("</p>");
                Exchange(acting, html, "The request under test", open: true);
            }

            var last = test.Exchanges.LastOrDefault();
            if (last is not null && last != acting)
            {
                Exchange(last, html, $"The last exchange ({last.Purpose})", open: true);
            }

            foreach (var earlier in test.Exchanges.Where(e => e != last && e != acting))
            {
                Exchange(earlier, html, $"Exchange ({earlier.Purpose})", open: false);
            }

            html.Append("</details>");
        }
    }

    private static void Exchange(Exchange exchange, StringBuilder html, string title, bool open)
    {
        html.Append("<details").Append(open ? " open" : "").Append("><summary>").Append(E(title)).Append(": #").Append(exchange.Sequence).Append(' ')
            .Append(E(exchange.Actor)).Append(' ').Append(E(exchange.Method)).Append(' ').Append(E(exchange.Url)).Append(" → ")
            .Append(exchange.TransportError is null ? exchange.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no answer").Append("</summary>");
        html.Append("<p>curl:</p><pre class=\"curl\">").Append(E(exchange.Curl)).Append("</pre>");
        html.Append("<p>Request</p><pre>").Append(E(exchange.Method + " " + exchange.Url + "\n" + Headers(exchange.RequestHeaders) + "\n" + (exchange.RequestBody ?? ""))).Append("</pre>");
        var response = exchange.TransportError ?? $"{exchange.Status}\n{Headers(exchange.ResponseHeaders)}\n{exchange.ResponseBody}" +
            (exchange.ResponseBodyTruncated ? $"\n… truncated; the body had {exchange.ResponseBodyBytes} characters" : "");
        html.Append("<p>Response</p><pre>").Append(E(response)).Append("</pre></details>");
    }

    /// <summary>Expected beside observed for every checked cell: endpoints down, cast members across.</summary>
    private static void PermissionMatrix(RunReport report, StringBuilder html)
    {
        var cells = report.Findings.PermissionCells;
        if (cells.Count == 0)
        {
            return;
        }

        var castOrder = CastMember.Everyone.Select(m => m.Label).ToList();
        var roles = cells.Select(c => c.Role).Distinct().OrderBy(r => castOrder.IndexOf(r) is var i && i >= 0 ? i : int.MaxValue).ThenBy(r => r, StringComparer.Ordinal).ToList();
        var mismatches = cells.Count(c => !c.Matches);
        html.Append("<h2 id=\"permissions\">Permission matrix (").Append(cells.Count).Append(" cells, ").Append(mismatches).Append(" not as expected)</h2>")
            .Append("<p>Each cell: what the matrix expects (specs/permissions.yaml); where the target did otherwise, what it did and its status.</p>")
            .Append("<table class=\"pm\"><tr><th>Endpoint</th>");
        foreach (var role in roles)
        {
            html.Append("<th>").Append(E(role)).Append("</th>");
        }

        html.Append("</tr>");
        foreach (var endpoint in cells.GroupBy(c => c.Endpoint).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            html.Append("<tr><td><code>").Append(E(endpoint.Key)).Append("</code></td>");
            foreach (var role in roles)
            {
                var cell = endpoint.FirstOrDefault(c => c.Role == role);
                html.Append(cell switch
                {
                    null => "<td></td>",
                    { Matches: true } => $"<td class=\"match\" title=\"{E(cell.Test)}\">{E(cell.Expected)}</td>",
                    _ => $"<td class=\"mismatch\" title=\"{E(cell.Test)}\">expected {E(cell.Expected)}, observed {E(cell.Observed)} ({cell.Status})</td>",
                });
            }

            html.Append("</tr>");
        }

        html.Append("</table>");
    }

    private static void RulesByArea(RunReport report, StringBuilder html)
    {
        html.Append("<h2 id=\"rules\">Rules by area</h2>");
        foreach (var area in report.Rules.GroupBy(r => r.Rule.Area))
        {
            html.Append("<h3>").Append(E(area.Key)).Append("</h3><table><tr><th>Rule</th><th>Level</th><th>Verdict</th><th>Doc sentence</th><th>Tests</th></tr>");
            foreach (var rule in area)
            {
                html.Append("<tr><td><code>").Append(E(rule.Rule.Id)).Append("</code><br>").Append(E(rule.Rule.Summary)).Append("</td><td>").Append(E(rule.Rule.Level))
                    .Append("</td><td class=\"v v-").Append(rule.Verdict).Append("\">").Append(rule.Verdict).Append("</td><td class=\"sentence\">")
                    .Append(E(rule.Rule.Sentence)).Append(rule.Rule.Choice is null ? "" : "<br><small>Choice: " + E(rule.Rule.Choice) + "</small>").Append("</td><td>");
                if (rule.Tests.Count == 0)
                {
                    html.Append(E(rule.Note ?? ""));
                }

                foreach (var test in rule.Tests)
                {
                    html.Append("<div><span class=\"v v-").Append(test.Verdict).Append("\">").Append(test.Verdict).Append("</span> ").Append(E(test.Name)).Append("</div>");
                }

                html.Append("</td></tr>");
            }

            html.Append("</table>");
        }
    }

    private static string Headers(IEnumerable<KeyValuePair<string, string>> headers) =>
        string.Join("\n", headers.Select(h => $"{h.Key}: {h.Value}"));

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
