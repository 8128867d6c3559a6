using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core;

namespace AnomaliesConformance.Runner.Reporting;

/// <summary>
/// Secrets out of the report model before anything renders it. Exchanges are redacted when recorded, but
/// assertion messages, test names and findings are free text that may quote a raw body or header, and a
/// writer's own escaping (JSON's \u002B, HTML's &amp;amp;) would hide a secret from a redaction of the file text.
/// Every writer also redacts its finished text (<see cref="ReportSet"/>), so a secret needs to slip past both.
/// </summary>
public static class ReportRedaction
{
    public static RunReport Redact(RunReport report, Redactor redactor)
    {
        string R(string text) => redactor.Redact(text);
        string? RN(string? text) => text is null ? null : redactor.Redact(text);
        Exchange RedactExchange(Exchange e) => e with
        {
            Url = R(e.Url),
            RequestHeaders = e.RequestHeaders.Select(h => new KeyValuePair<string, string>(h.Key, R(h.Value))).ToList(),
            RequestBody = RN(e.RequestBody),
            ResponseHeaders = e.ResponseHeaders.Select(h => new KeyValuePair<string, string>(h.Key, R(h.Value))).ToList(),
            ResponseBody = RN(e.ResponseBody),
            TransportError = RN(e.TransportError),
            Curl = R(e.Curl),
        };
        var tests = new Dictionary<TestOutcome, TestOutcome>(ReferenceEqualityComparer.Instance);
        TestOutcome RedactTest(TestOutcome t) => tests.TryGetValue(t, out var done) ? done : tests[t] = t with
        {
            Id = R(t.Id),
            Name = R(t.Name),
            Message = RN(t.Message),
            Warnings = t.Warnings.Select(R).ToList(),
            Exchanges = t.Exchanges.Select(RedactExchange).ToList(),
        };

        var findings = new RunFindings();
        foreach (var o in report.Findings.Observations)
        {
            findings.Observe(new Observation(o.Rule, R(o.Test), R(o.Summary), R(o.Observed)));
        }

        foreach (var w in report.Findings.Warnings)
        {
            findings.Warn(new Warning(w.Rule, R(w.Test), R(w.Message)));
        }

        foreach (var c in report.Findings.PermissionCells)
        {
            findings.RecordPermission(c with { Endpoint = R(c.Endpoint), Test = R(c.Test) });
        }

        foreach (var m in report.Findings.MissingFixtures)
        {
            findings.RecordMissing(new MissingFixture(R(m.Test), R(m.Missing)));
        }

        foreach (var r in report.Findings.Restores)
        {
            findings.RecordRestore(r with { Test = R(r.Test), Difference = RN(r.Difference) });
        }

        return report with
        {
            Target = R(report.Target),
            Tests = report.Tests.Select(RedactTest).ToList(),
            Rules = report.Rules.Select(r => r with { Tests = r.Tests.Select(RedactTest).ToList(), Note = RN(r.Note) }).ToList(),
            Findings = findings,
            SpecDrift = report.SpecDrift is not { } drift ? null : drift with
            {
                TargetDocument = R(drift.TargetDocument),
                // The items quote the target's document, which is free text like any answer.
                Items = drift.Items.Select(i => i with { Where = R(i.Where), Name = R(i.Name) }).ToList(),
            },
            Waivers = report.Waivers.Select(w => w with { Waiver = w.Waiver with { Reason = R(w.Waiver.Reason), Owner = R(w.Waiver.Owner) } }).ToList(),
        };
    }
}
