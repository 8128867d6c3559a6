using System.Globalization;
using System.Net;
using System.Text;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core;

namespace AnomaliesConformance.Runner.Reporting;

/// <summary>
/// Renders index.html: one self-contained page (styles and the filter script inline; its Content Security
/// Policy forbids every fetch) that reads fully without JavaScript. Order: the verdict banner, failures
/// (each a closed &lt;details&gt;: rule, doc sentence, expected versus actual, role, curl, request and
/// response, the exchanges that led up to it), rules by area, the permission matrix, observations,
/// warnings and waivers. The script only adds filters (verdict, level, area, endpoint) over elements
/// carrying data-verdict, data-level, data-area and data-endpoints.
/// </summary>
public static class HtmlReportWriter
{
    /// <summary>Bodies longer than this are cut in the page (the full recorded body stays in exchanges.ndjson).</summary>
    public const int MaxBodyChars = 8 * 1024;

    private const string Style = """
        body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:1rem;color:#1b1f24}
        h1{font-size:1.4rem;margin:0 0 .4rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccd}h3{font-size:1rem}
        a{color:#0b57d0}.banner a{color:#fff}
        .banner{padding:1rem;border-radius:6px;color:#fff}.banner.ok{background:#1f7a3a}.banner.bad{background:#b3261e}
        .banner dl{display:grid;grid-template-columns:max-content auto;gap:.15rem 1rem;margin:.5rem 0 0}.banner dt{opacity:.85}.banner dd{margin:0}
        .banner code{background:rgba(255,255,255,.2);color:#fff}
        .counts{width:auto;border-collapse:collapse;margin:.6rem 0 0;background:rgba(255,255,255,.12)}.counts td,.counts th{border:1px solid rgba(255,255,255,.35);padding:.15rem .6rem;text-align:right}
        .counts th:first-child{text-align:left}
        nav{margin:.8rem 0}nav a{margin-right:1rem}
        #filters{position:sticky;top:0;background:#fff;border-bottom:1px solid #ccd;padding:.5rem 0;z-index:1}#filters label{margin-right:.8rem}
        table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e3e6ea;padding:.35rem .5rem;text-align:left;vertical-align:top}
        .v{font-weight:600;text-transform:uppercase;font-size:.8rem}.v-passed{color:#1f7a3a}.v-failed{color:#b3261e}
        .v-inconclusive,.v-target-error{color:#8a5300}.v-skipped{color:#666}.v-waived{color:#5b3cc4}
        .sentence{color:#444;font-style:italic}pre{background:#f4f5f7;padding:.5rem;overflow:auto;white-space:pre-wrap;word-break:break-all;margin:.3rem 0}
        details{margin:.3rem 0}summary{cursor:pointer}code{background:#f4f5f7;padding:0 .2rem}
        .failure{border:1px solid #e3b4b0;border-radius:6px;padding:.3rem .6rem}.failure[open]{background:#fffafa}
        .area-section{content-visibility:auto;contain-intrinsic-size:auto 600px}
        .tests{margin:0;padding-left:1rem}.rules td:first-child{width:24%}.rules td:nth-child(4){width:32%}.matrix td{text-align:center}.matrix .mismatch{background:#fde2e0;font-weight:600}
        .expected-observed code{font-weight:600}.expected-observed .observed{background:#fde2e0}
        .matrix .match{color:#1f7a3a}.regression{background:#fde2e0}.stale{background:#fff4d6}.muted{color:#666}
        """;

    // Filters are an addition: without JavaScript the form stays hidden and every section is shown.
    private const string Script = """
        (function () {
          var form = document.getElementById('filters');
          form.hidden = false;
          var selects = form.querySelectorAll('select');
          var items = document.querySelectorAll('[data-filterable]');
          function matches(el, name, wanted) {
            if (!wanted) return true;
            var value = el.getAttribute('data-' + name);
            if (value === null) return true;
            var parts = value.split('|');
            return parts.indexOf(wanted) >= 0 || (name === 'endpoints' && parts.indexOf('*') >= 0);
          }
          function apply() {
            var shown = 0;
            for (var i = 0; i < items.length; i++) {
              var el = items[i], ok = true;
              for (var j = 0; j < selects.length; j++) ok = ok && matches(el, selects[j].name, selects[j].value);
              el.hidden = !ok;
              if (ok) shown++;
            }
            document.querySelectorAll('.area-section').forEach(function (section) {
              section.hidden = section.querySelector('tr[data-filterable]:not([hidden])') === null;
            });
            document.getElementById('shown').textContent = shown + ' of ' + items.length + ' items shown';
          }
          selects.forEach(function (s) { s.addEventListener('change', apply); });
          apply();
        })();
        """;

    public static string Render(RunReport report)
    {
        var html = new StringBuilder(64 * 1024 + report.Tests.Count * 400);
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">")
            .Append("<title>").Append(report.Shard is { } titled ? $"Shard {titled.Index}/{titled.Count}" : report.Conformant ? "Conformant" : "Not conformant").Append(": Anomalies API conformance of ").Append(E(report.Target))
            .Append("</title><style>").Append(Style).Append("</style></head><body>");
        Banner(report, html);
        Navigation(report, html);
        Filters(report, html);
        BaselineSection(report, html);
        Failures(report, html);
        RulesByArea(report, html);
        PermissionMatrix(report, html);
        Observations(report, html);
        MissingFixtures(report, html);
        Warnings(report, html);
        Waivers(report, html);
        SpecDrift(report, html);
        html.Append("<script>").Append(Script).Append("</script></body></html>");
        return html.ToString();
    }

    private static void Banner(RunReport report, StringBuilder html)
    {
        html.Append("<header class=\"banner ").Append(report.Conformant ? "ok" : "bad").Append("\" id=\"verdict\"><h1>")
            .Append(report.Shard is { } part ? E(char.ToUpperInvariant(part.Verdict(report.Conformant)[0]) + part.Verdict(report.Conformant)[1..])
                : report.Conformant ? "Conformant: every checked MUST rule passed" : "Not conformant: MUST rules failed or could not be judged")
            .Append("</h1><dl>");
        void Row(string name, string valueHtml) => html.Append("<dt>").Append(E(name)).Append("</dt><dd>").Append(valueHtml).Append("</dd>");
        Row("Target", E(report.Target));
        if (report.Shard is { } shard)
        {
            Row("Shard", E(shard.Explain()));
        }

        Row("MUST rules passed", E(report.PassRate("MUST")));
        Row("SHOULD rules passed", E(report.PassRate("SHOULD")));
        Row("Spec version", E(report.SpecVersion));
        Row("Seed", E(report.Seed.ToString(CultureInfo.InvariantCulture)) + $" (reproduce with <code>--seed {report.Seed.ToString(CultureInfo.InvariantCulture)}</code>)");
        Row("Started", E(report.Started.ToString("u", CultureInfo.InvariantCulture)));
        Row("Duration", E($"{report.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s"));
        Row("Requests", E($"timeout {report.RequestPolicy.Timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s, up to {report.RequestPolicy.MaxRetries} retries of a GET after 429/503, "
            + (report.RequestPolicy.RateLimitPerSecond is { } limit ? $"at most {limit.ToString(CultureInfo.InvariantCulture)} requests/s" : "no rate limit")
            + (report.RequestPolicy.ReadOnly ? "; read-only: only checks that send GETs ran" : "")));
        Row("Requests sent", E($"{report.RequestsSent.ToString(CultureInfo.InvariantCulture)} ({report.CheckRequests.ToString(CultureInfo.InvariantCulture)} by the checks, the rest in setup and teardown)"));
        Row("Retries", E(report.TotalRetries == 0
            ? "none"
            : $"{report.TotalRetries} request(s) sent again after a refusal ({report.Tests.Count(t => t.Retries > 0)} tests, {report.SetupRetries} during setup)"));
        if (report.Faults.Count > 0)
        {
            Row("Reference faults on", E(string.Join(", ", report.Faults)));
        }

        if (report.Baseline is { } baseline)
        {
            Row("Against the baseline", $"<a href=\"#baseline\">{E($"{baseline.Regressions.Count} regression(s)")}</a>" + E($"; {baseline.Counts()}"));
        }

        CertificateBanner.Row(report, Row);
        Row("Spec coverage", report.SpecCoveragePage is null ? "not produced by this run" : $"<a href=\"{E(report.SpecCoveragePage)}\">which operations, responses and parameters the suite exercised</a>");
        if (report.ServerCoveragePage is not null)
        {
            Row("Server code coverage", $"<a href=\"{E(report.ServerCoveragePage)}\">reference server code the suite exercised</a>");
        }

        if (report.UnknownRuleIds.Count > 0)
        {
            Row("Suite defect", E("tests name rules missing from specs/rules.yaml: " + string.Join(", ", report.UnknownRuleIds)));
        }

        html.Append("</dl><table class=\"counts\" id=\"counts\"><tr><th></th><th>passed</th><th>failed</th><th>skipped</th><th>inconclusive</th><th>waived</th></tr>");
        foreach (var level in new[] { "MUST", "SHOULD" })
        {
            html.Append("<tr><th>").Append(level).Append(" rules</th>");
            foreach (var verdict in new[] { Verdicts.Passed, Verdicts.Failed, Verdicts.Skipped, Verdicts.Inconclusive, Verdicts.Waived })
            {
                html.Append("<td>").Append(report.RuleCount(level, verdict)).Append("</td>");
            }

            html.Append("</tr>");
        }

        html.Append("<tr><th>tests</th><td>").Append(report.TestCount(Verdicts.Passed))
            .Append("</td><td>").Append(report.TestCount(Verdicts.Failed)).Append(report.TestCount(Verdicts.TargetError) > 0 ? $" + {report.TestCount(Verdicts.TargetError)} target errors" : "")
            .Append("</td><td>").Append(report.TestCount(Verdicts.Skipped)).Append("</td><td>").Append(report.TestCount(Verdicts.Inconclusive))
            .Append("</td><td>").Append(report.TestCount(Verdicts.Waived)).Append("</td></tr></table></header>");
    }

    private static void Navigation(RunReport report, StringBuilder html)
    {
        var staleWaivers = report.Waivers.Count(w => w.IsStale);
        html.Append("<nav><a href=\"#failures\">Failures (").Append(Failing(report).Count).Append(")</a><a href=\"#rules\">Rules by area (").Append(report.Rules.Count)
            .Append(")</a><a href=\"#permission-matrix\">Permission matrix (").Append(report.Findings.PermissionCells.Count(c => !c.Matches)).Append(" mismatches)</a><a href=\"#observations\">Observations (")
            .Append(report.Findings.Observations.Count).Append(")</a><a href=\"#missing-fixtures\">Missing fixtures (").Append(report.Findings.MissingFixtures.Count).Append(")</a><a href=\"#warnings\">Warnings (").Append(report.AllWarnings.Count).Append(")</a><a href=\"#waivers\">Waivers (")
            .Append(report.Waivers.Count).Append(staleWaivers > 0 ? $", {staleWaivers} stale" : "").Append(")</a>")
            .Append(report.Baseline is null ? "" : $"<a href=\"#baseline\">Baseline ({report.Baseline.Regressions.Count} regressions)</a>")
            .Append(report.SpecDrift is null ? "" : $"<a href=\"#spec-drift\">OpenAPI drift ({report.SpecDrift.Items.Count})</a>")
            .Append(report.SpecCoveragePage is null ? "" : $"<a href=\"{E(report.SpecCoveragePage)}\">Spec coverage</a>")
            .Append("</nav>");
    }

    private static void Filters(RunReport report, StringBuilder html)
    {
        void Select(string name, string label, IEnumerable<string> values)
        {
            html.Append("<label>").Append(E(label)).Append(" <select name=\"").Append(name).Append("\"><option value=\"\">all</option>");
            foreach (var value in values)
            {
                html.Append("<option>").Append(E(value)).Append("</option>");
            }

            html.Append("</select></label>");
        }

        html.Append("<form id=\"filters\" hidden>");
        Select("verdict", "Verdict", new[] { Verdicts.Failed, Verdicts.TargetError, Verdicts.Inconclusive, Verdicts.Waived, Verdicts.Passed, Verdicts.Skipped });
        Select("level", "Level", ["MUST", "SHOULD"]);
        Select("area", "Area", report.Rules.Select(r => r.Rule.Area).Distinct(StringComparer.Ordinal));
        Select("endpoints", "Endpoint", report.Rules.SelectMany(r => r.Rule.Endpoints).Concat(report.Findings.PermissionCells.Select(c => c.Endpoint))
            .Where(e => e != "*").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        html.Append("<span id=\"shown\" class=\"muted\"></span></form>");
    }

    private static List<TestOutcome> Failing(RunReport report) =>
        report.Tests.Where(t => t.Verdict is Verdicts.Failed or Verdicts.TargetError).ToList();

    private static void Failures(RunReport report, StringBuilder html)
    {
        var failing = Failing(report);
        html.Append("<section id=\"failures\"><h2>Failures (").Append(failing.Count).Append(")</h2>");
        if (failing.Count == 0)
        {
            html.Append("<p>No check failed.</p></section>");
            return;
        }

        var failingRules = report.Rules.Where(r => r.Verdict is Verdicts.Failed or Verdicts.Inconclusive).ToList();
        html.Append("<p><b>Rules that failed or could not be judged (").Append(failingRules.Count).Append("):</b></p><ul id=\"failing-rules\">");
        foreach (var rule in failingRules)
        {
            html.Append("<li><a href=\"#rule-").Append(E(rule.Rule.Id)).Append("\"><code>").Append(E(rule.Rule.Id)).Append("</code></a> ").Append(E(rule.Rule.Level))
                .Append(" <span class=\"v v-").Append(rule.Verdict).Append("\">").Append(rule.Verdict).Append("</span>: ").Append(E(rule.Rule.Summary)).Append("</li>");
        }

        html.Append("</ul>");
        html.Append("<p class=\"muted\">Each failure opens to the rule and its doc sentence, what was expected and what happened, the role used, a curl line, the request and response, and every exchange of the test in order.</p>");
        foreach (var test in failing)
        {
            var rules = test.Rules.Select(report.FindRule).OfType<Core.Catalogue.Rule>().ToList();
            html.Append("<details class=\"failure\" data-filterable data-verdict=\"").Append(test.Verdict)
                .Append("\" data-level=\"").Append(E(string.Join('|', rules.Select(r => r.Level).Distinct())))
                .Append("\" data-area=\"").Append(E(string.Join('|', rules.Select(r => r.Area).Distinct())))
                .Append("\" data-endpoints=\"").Append(E(string.Join('|', rules.SelectMany(r => r.Endpoints).Distinct())))
                .Append("\" data-rules=\"").Append(E(string.Join(' ', test.Rules))).Append("\"><summary><span class=\"v v-").Append(test.Verdict).Append("\">").Append(test.Verdict)
                .Append("</span> <code>").Append(E(string.Join(", ", test.Rules))).Append("</code> ").Append(E(test.Name)).Append("</summary>");
            foreach (var ruleId in test.Rules)
            {
                var rule = report.FindRule(ruleId);
                html.Append("<p><b>Rule ").Append(E(ruleId)).Append("</b> (").Append(E(rule?.Level ?? "not in the catalogue")).Append("): ").Append(E(rule?.Summary ?? ""))
                    .Append("<br>The page says: <span class=\"sentence\">“").Append(E(rule?.Sentence ?? "")).Append("”</span></p>");
            }

            ExpectedVersusObserved(test, html);
            var acting = FailureNarrative.LastAct(test);
            if (acting is not null)
            {
                html.Append("<p><b>Role used:</b> ").Append(E(CastMember.Describe(acting.Actor))).Append("</p>");
                html.Append("<p><b>Reproduce</b> (set <code>$").Append(E(CurlLine.TokenVariable(acting.Actor))).Append("</code> to a token of that role first):</p><pre class=\"curl\">")
                    .Append(E(acting.Curl)).Append("</pre>");
                ExchangeBody(acting, html);
            }

            if (test.Exchanges.Count > 0)
            {
                html.Append("<p><b>The exchanges of this test, in order</b> (").Append(test.Exchanges.Count).Append(")</p><ol class=\"exchanges\">");
                foreach (var exchange in test.Exchanges)
                {
                    // The check's own requests are open; the setup that provisioned its world is there when wanted.
                    html.Append(exchange.Purpose == ExchangePurpose.Provision ? "<li><details class=\"provisioning\"><summary>" : "<li><details open><summary>").Append(E(exchange.Purpose)).Append(" as ").Append(E(exchange.Actor)).Append(": ").Append(E(exchange.Method)).Append(' ')
                        .Append(E(exchange.Url)).Append(" → ").Append(Status(exchange)).Append(exchange == acting ? " <b>(the request under test)</b>" : "").Append("</summary><pre class=\"curl\">")
                        .Append(E(exchange.Curl)).Append("</pre>");
                    ExchangeBody(exchange, html);
                    html.Append("</details></li>");
                }

                html.Append("</ol>");
            }

            html.Append("</details>");
        }

        html.Append("</section>");
    }

    /// <summary>The pair a reader acts on ("assignee ids: expected {5, 6}, observed {3, 5, 6}"), the assertion's text behind it; the text alone when it has no pair.</summary>
    private static void ExpectedVersusObserved(TestOutcome test, StringBuilder html)
    {
        if (ExpectedObserved.Of(test) is not { } pair)
        {
            html.Append("<p><b>Expected versus actual</b></p><pre class=\"message\">").Append(E(test.Message ?? "(no message)")).Append("</pre>");
            return;
        }

        html.Append("<p class=\"expected-observed\"><b>").Append(E(pair.Subject)).Append("</b>: expected <code class=\"expected\">").Append(E(pair.Expected))
            .Append("</code>, observed <code class=\"observed\">").Append(E(pair.Observed)).Append("</code></p>")
            .Append("<details class=\"assertion\"><summary>The assertion's full text</summary><pre class=\"message\">").Append(E(test.Message ?? "")).Append("</pre></details>");
    }

    private static string Status(Exchange exchange) =>
        exchange.Outcome + (exchange.IsRetry ? $" (attempt {exchange.Attempt})" : "");

    private static void ExchangeBody(Exchange exchange, StringBuilder html)
    {
        html.Append("<p>Request</p><pre class=\"request\">").Append(E($"{exchange.Method} {exchange.Url}\n{Headers(exchange.RequestHeaders)}")).Append("\n\n")
            .Append(E(Body(exchange.RequestBody, exchange.RequestBody?.Length ?? 0, false, exchange))).Append("</pre><p>Response</p><pre class=\"response\">");
        if (exchange.Status == 0)
        {
            html.Append("no answer: ").Append(E(exchange.TransportError ?? ""));
        }
        else
        {
            html.Append(E($"{exchange.Status}\n{Headers(exchange.ResponseHeaders)}")).Append("\n\n")
                .Append(E(Body(exchange.ResponseBody, exchange.ResponseBodyBytes, exchange.ResponseBodyTruncated, exchange)));
            if (exchange.TransportError is not null)
            {
                // The answer started, then broke off (reset mid-body, never finished).
                html.Append(E($"\n… then: {exchange.TransportError}"));
            }
        }

        html.Append("</pre>");
    }

    private static string Body(string? body, long size, bool truncatedWhenRecorded, Exchange exchange)
    {
        if (string.IsNullOrEmpty(body))
        {
            return "(no body)";
        }

        if (body.Length <= MaxBodyChars && !truncatedWhenRecorded)
        {
            return body;
        }

        return body[..Math.Min(body.Length, MaxBodyChars)] +
            $"\n… truncated: the body had {size.ToString("N0", CultureInfo.InvariantCulture)} characters; exchanges.ndjson keeps what was recorded (sequence {exchange.Sequence}).";
    }

    private static void RulesByArea(RunReport report, StringBuilder html)
    {
        html.Append("<section id=\"rules\"><h2>Rules by area</h2>");
        foreach (var area in report.Rules.GroupBy(r => r.Rule.Area))
        {
            var counts = string.Join(", ", area.GroupBy(r => r.Verdict).Select(g => $"{g.Count()} {g.Key}"));
            html.Append("<div class=\"area-section\"><h3 id=\"area-").Append(E(area.Key)).Append("\">").Append(E(area.Key)).Append(" <span class=\"muted\">(").Append(E(counts)).Append(")</span></h3>")
                .Append("<table class=\"rules\"><tr><th>Rule</th><th>Level</th><th>Verdict</th><th>Doc sentence</th><th>Tests</th></tr>");
            foreach (var rule in area)
            {
                html.Append("<tr data-filterable data-verdict=\"").Append(rule.Verdict).Append("\" data-level=\"").Append(E(rule.Rule.Level)).Append("\" data-area=\"").Append(E(rule.Rule.Area))
                    .Append("\" data-endpoints=\"").Append(E(string.Join('|', rule.Rule.Endpoints))).Append("\" id=\"rule-").Append(E(rule.Rule.Id)).Append("\"><td><code>").Append(E(rule.Rule.Id))
                    .Append("</code><br>").Append(E(rule.Rule.Summary)).Append("</td><td>").Append(E(rule.Rule.Level))
                    .Append("</td><td><span class=\"v v-").Append(rule.Verdict).Append("\">").Append(rule.Verdict).Append("</span>")
                    .Append(rule.Note is null ? "" : "<br><small>" + E(rule.Note) + "</small>").Append("</td><td class=\"sentence\">")
                    .Append(E(rule.Rule.Sentence)).Append(rule.Rule.Choice is null ? "" : "<br><small>Choice: " + E(rule.Rule.Choice) + "</small>").Append("</td><td>");
                if (rule.Tests.Count > 0)
                {
                    html.Append("<ul class=\"tests\">");
                    foreach (var test in rule.Tests)
                    {
                        html.Append("<li><span class=\"v v-").Append(test.Verdict).Append("\">").Append(test.Verdict).Append("</span> ").Append(E(test.Name)).Append("</li>");
                    }

                    html.Append("</ul>");
                }

                html.Append("</td></tr>");
            }

            html.Append("</table></div>");
        }

        html.Append("</section>");
    }

    private static void PermissionMatrix(RunReport report, StringBuilder html)
    {
        var cells = report.Findings.PermissionCells;
        html.Append("<section id=\"permission-matrix\"><h2>Permission matrix</h2>");
        if (cells.Count == 0)
        {
            html.Append("<p>No test of this run recorded permission cells.</p></section>");
            return;
        }

        var castOrder = CastMember.Everyone.Select(m => m.Label).ToList();
        var roles = cells.Select(c => c.Role).Distinct(StringComparer.Ordinal)
            .OrderBy(r => castOrder.IndexOf(r) is var i && i >= 0 ? i : int.MaxValue).ThenBy(r => r, StringComparer.Ordinal).ToList();
        var mismatches = cells.Count(c => !c.Matches);
        html.Append("<p>Each cell: what the matrix expects for the role on the endpoint, and what the target did (with its status). ")
            .Append(mismatches == 0 ? "Every observed answer matches." : $"<b>{mismatches} mismatch{(mismatches == 1 ? "" : "es")}</b>, highlighted.").Append("</p>")
            .Append("<table class=\"matrix\"><tr><th>Endpoint</th>");
        foreach (var role in roles)
        {
            html.Append("<th title=\"").Append(E(CastMember.Describe(role))).Append("\">").Append(E(role)).Append("</th>");
        }

        html.Append("</tr>");
        foreach (var endpoint in cells.GroupBy(c => c.Endpoint).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            html.Append("<tr data-filterable data-endpoints=\"").Append(E(endpoint.Key)).Append("\"><th><code>").Append(E(endpoint.Key)).Append("</code></th>");
            foreach (var role in roles)
            {
                var here = endpoint.Where(c => c.Role == role).ToList();
                html.Append("<td").Append(here.Any(c => !c.Matches) ? " class=\"mismatch\"" : here.Count > 0 ? " class=\"match\"" : "").Append('>');
                foreach (var cell in here)
                {
                    html.Append("<div title=\"").Append(E(cell.Test)).Append("\">expected ").Append(E(cell.Expected)).Append(", observed ").Append(E(cell.Observed))
                        .Append(" (").Append(cell.Status).Append(")").Append(cell.Matches ? "" : " ✗").Append("</div>");
                }

                html.Append(here.Count == 0 ? "<span class=\"muted\">not checked</span>" : "").Append("</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</table></section>");
    }

    private static void Observations(RunReport report, StringBuilder html)
    {
        html.Append("<section id=\"observations\"><h2>Observations (").Append(report.Findings.Observations.Count).Append(")</h2>")
            .Append("<p class=\"muted\">Disputed behaviours recorded without a verdict: the page does not settle them and no expectation was declared (<code>--expect KEY=VALUE</code>).</p>");
        if (report.Findings.Observations.Count == 0)
        {
            html.Append("<p>None recorded in this run.</p></section>");
            return;
        }

        html.Append("<table><tr><th>Rule</th><th>Behaviour</th><th>What the target did</th><th>Test</th></tr>");
        foreach (var o in report.Findings.Observations.OrderBy(o => o.Rule, StringComparer.Ordinal))
        {
            html.Append("<tr><td><code>").Append(E(o.Rule)).Append("</code></td><td>").Append(E(o.Summary)).Append("</td><td>").Append(E(o.Observed)).Append("</td><td>").Append(E(o.Test)).Append("</td></tr>");
        }

        html.Append("</table></section>");
    }

    /// <summary>Checks that ended inconclusive because the target or its profile lacked a fixture, and the restores of existing anomalies.</summary>
    private static void MissingFixtures(RunReport report, StringBuilder html)
    {
        var missing = report.Findings.MissingFixtures;
        html.Append("<section id=\"missing-fixtures\"><h2>Missing fixtures (").Append(missing.Count).Append(")</h2>")
            .Append("<p class=\"muted\">Checks that could not be judged because the target profile does not give what they need (a user, a kind of anomaly, the provisioning extension). They are inconclusive, never passed.</p>");
        if (missing.Count == 0)
        {
            html.Append("<p>None: every check had its fixtures.</p>");
        }
        else
        {
            html.Append("<table><tr><th>Missing</th><th>Checks</th><th>Rules it would judge</th><th>Tests</th></tr>");
            var tests = missing.ToLookup(m => m.Missing, m => m.Test);
            foreach (var line in MissingFixtureSummary.Of(missing, report.Tests))
            {
                html.Append("<tr><td>").Append(E(line.Missing)).Append("</td><td>").Append(line.Checks).Append("</td><td>")
                    .Append(line.RulesItWouldJudge.Count == 0 ? "none more (judged by other checks)" : E(string.Join(", ", line.RulesItWouldJudge))).Append("</td><td>")
                    .Append(string.Join("<br>", tests[line.Missing].Distinct().Select(E).Order(StringComparer.Ordinal))).Append("</td></tr>");
            }

            html.Append("</table>");
        }

        if (report.Findings.Restores.Count > 0)
        {
            html.Append("<h3>Existing anomalies put back</h3><table><tr><th>Anomaly</th><th>After test</th><th>Verified</th><th>Still different</th></tr>");
            foreach (var r in report.Findings.Restores.OrderBy(r => r.Verified).ThenBy(r => r.Anomaly))
            {
                html.Append("<tr class=\"").Append(r.Verified ? "passed" : "failed").Append("\"><td>").Append(r.Anomaly).Append("</td><td>").Append(E(r.Test)).Append("</td><td>")
                    .Append(r.Verified ? "yes" : "NO").Append("</td><td>").Append(E(r.Difference ?? "")).Append("</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append("</section>");
    }

    private static void Warnings(RunReport report, StringBuilder html)
    {
        html.Append("<section id=\"warnings\"><h2>Warnings (").Append(report.AllWarnings.Count).Append(")</h2>");
        if (report.AllWarnings.Count == 0)
        {
            html.Append("<p>None: no check passed with a caveat.</p></section>");
            return;
        }

        html.Append("<table><tr><th>Rule</th><th>Caveat</th><th>Test</th></tr>");
        foreach (var w in report.AllWarnings.OrderBy(w => w.Rule, StringComparer.Ordinal))
        {
            html.Append("<tr><td><code>").Append(E(w.Rule)).Append("</code></td><td>").Append(E(w.Message)).Append("</td><td>").Append(E(w.Test)).Append("</td></tr>");
        }

        html.Append("</table></section>");
    }

    private static void Waivers(RunReport report, StringBuilder html)
    {
        html.Append("<section id=\"waivers\"><h2>Waivers (").Append(report.Waivers.Count).Append(")</h2>");
        if (report.Waivers.Count == 0)
        {
            html.Append("<p>No waivers were given (<code>--waivers FILE</code>, format in specs/waivers.md).</p></section>");
            return;
        }

        html.Append("<table><tr><th>Waiver</th><th>Rule</th><th>State</th><th>Reason</th><th>Owner</th><th>Expires</th></tr>");
        foreach (var w in report.Waivers)
        {
            html.Append("<tr").Append(w.IsStale ? " class=\"stale\"" : "").Append("><td><code>").Append(E(w.Waiver.Id)).Append("</code></td><td><code>").Append(E(w.Waiver.Rule))
                .Append("</code></td><td><b>").Append(E(w.State)).Append(w.IsStale ? " (stale)" : "").Append("</b><br><small>").Append(E(w.Explanation)).Append("</small></td><td>")
                .Append(E(w.Waiver.Reason)).Append("</td><td>").Append(E(w.Waiver.Owner)).Append("</td><td>")
                .Append(w.Waiver.Expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append("</td></tr>");
        }

        html.Append("</table></section>");
    }

    /// <summary>Only with --baseline: every changed rule, regressions first; unchanged and not compared rules are counted.</summary>
    private static void BaselineSection(RunReport report, StringBuilder html)
    {
        if (report.Baseline is not { } baseline)
        {
            return;
        }

        html.Append("<section id=\"baseline\"><h2>Against the baseline (").Append(baseline.Regressions.Count).Append(" regressions)</h2><p>This run's verdicts rule by rule against <code>")
            .Append(E(baseline.Baseline)).Append("</code> (target <code>").Append(E(baseline.BaselineTarget)).Append("</code>, started ").Append(E(baseline.BaselineStarted)).Append("): ")
            .Append(E(baseline.Counts())).Append(". A regression is a rule that failed now and passed or was inconclusive in the baseline.</p>");
        if (baseline.Changes.Count == 0)
        {
            html.Append("<p>No rule changed.</p></section>");
            return;
        }

        html.Append("<table class=\"baseline\"><tr><th>Rule</th><th>Level</th><th>Change</th><th>Baseline</th><th>Now</th></tr>");
        foreach (var rule in baseline.Changes)
        {
            html.Append("<tr data-category=\"").Append(rule.Category).Append("\"").Append(rule.Regression ? " class=\"regression\"" : "").Append("><td><a href=\"#rule-").Append(E(rule.Rule)).Append("\"><code>")
                .Append(E(rule.Rule)).Append("</code></a><br>").Append(E(rule.Summary)).Append("</td><td>").Append(E(rule.Level)).Append("</td><td>")
                .Append(rule.Regression ? "<b>regression</b>" : E(ComparisonCategories.Describe(rule.Category))).Append("</td><td><span class=\"v v-").Append(rule.Before).Append("\">").Append(rule.Before)
                .Append("</span></td><td><span class=\"v v-").Append(rule.Now).Append("\">").Append(rule.Now).Append("</span></td></tr>");
        }

        html.Append("</table></section>");
    }

    /// <summary>Only when the run fetched the target's own description (--spec-from-target).</summary>
    private static void SpecDrift(RunReport report, StringBuilder html)
    {
        if (report.SpecDrift is not { } drift)
        {
            return;
        }

        html.Append("<section id=\"spec-drift\"><h2>OpenAPI drift (").Append(drift.Items.Count).Append(")</h2><p>The target's own OpenAPI description (<code>")
            .Append(E(drift.TargetDocument)).Append("</code>, saved as <a href=\"").Append(E(drift.SavedAs)).Append("\">").Append(E(drift.SavedAs))
            .Append("</a>) compared with <code>").Append(E(drift.ComparedWith)).Append("</code>. The contract checks of this run come from the target's. ")
            .Append("Drift is information, not a verdict: it fails no rule.</p>");
        if (drift.Items.Count == 0)
        {
            html.Append("<p>None: both describe the same operations, parameters, status codes, fields and enum values.</p></section>");
            return;
        }

        html.Append("<table class=\"drift\"><tr><th>Kind</th><th>Where</th><th>What</th><th>Only in</th></tr>");
        foreach (var item in drift.Items)
        {
            html.Append("<tr><td>").Append(E(item.Kind)).Append("</td><td><code>").Append(E(item.Where)).Append("</code></td><td><code>").Append(E(item.Name))
                .Append("</code></td><td>").Append(E(item.OnlyIn)).Append("</td></tr>");
        }

        html.Append("</table></section>");
    }

    private static string Headers(IEnumerable<KeyValuePair<string, string>> headers) =>
        string.Join("\n", headers.Select(h => $"{h.Key}: {h.Value}"));

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
