using System.Globalization;
using AnomaliesConformance.Core.Catalogue;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.SelfTests.Support;
using AnomaliesConformance.Runner.Reporting;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.SelfTests.Reporting;

/// <summary>
/// Report data made up for the renderers' self-tests and the benchmark: the real rule catalogue, tests
/// with chosen verdicts and exchanges, findings and waivers, without running the suite.
/// </summary>
public sealed class SyntheticReport
{
    public static readonly DateTimeOffset Started = new(2026, 11, 20, 8, 30, 0, TimeSpan.Zero);

    private readonly List<TestOutcome> tests = [];
    private readonly List<Waiver> waivers = [];
    private readonly RunFindings findings = new();
    private long sequence;

    public static RuleCatalogue Catalogue { get; } = RuleCatalogue.Load(Repository.Specs("rules.yaml"));

    /// <summary>The token the synthetic exchanges carry; tests register it with a redactor or look for it.</summary>
    public string Token { get; init; } = "synthetic-token-0000";

    public SyntheticReport Test(string rule, string verdict, string? name = null, string? message = null, string actor = "member-author", int exchanges = 3, int responseBodyChars = 200)
    {
        var id = $"Synthetic.Scenarios.{name ?? rule.Replace('-', '_')}_{tests.Count}";
        tests.Add(new TestOutcome
        {
            Id = id,
            Name = name ?? $"{rule.Replace('-', '_')}_check_{tests.Count}",
            Fixture = "Synthetic.Scenarios." + rule.Split('-')[0],
            Rules = [rule],
            Verdict = verdict,
            Message = message ?? (verdict == Verdicts.Passed ? null : $"Expected response.Status to be 200 because {rule} says so, but found 403."),
            DurationSeconds = 0.05,
            Exchanges = Enumerable.Range(0, exchanges).Select(i => Exchange(id, actor, i == exchanges - 1 ? ExchangePurpose.Verify : i == 0 ? ExchangePurpose.Provision : ExchangePurpose.Act, responseBodyChars)).ToList(),
        });
        return this;
    }

    public SyntheticReport Waive(string id, string rule, DateOnly expires, string reason = "vendor fix due in 4.2", string owner = "release-team")
    {
        waivers.Add(new Waiver(id, rule, reason, owner, expires));
        return this;
    }

    public SyntheticReport Permission(string endpoint, string role, string expected, string observed, int status)
    {
        findings.RecordPermission(new PermissionCell(endpoint, role, expected, observed, status, $"Synthetic.Permissions.{role}"));
        return this;
    }

    public SyntheticReport Observe(string rule, string summary, string observed)
    {
        findings.Observe(new Observation(rule, "Synthetic.Observations.Test", summary, observed));
        return this;
    }

    public SyntheticReport Warn(string rule, string message)
    {
        findings.Warn(new Warning(rule, "Synthetic.Warnings.Test", message));
        return this;
    }

    public RunReport Build(string target = "http://127.0.0.1:5000/") => RunReport.Build(
        Catalogue, tests, target, 4242, Started, TimeSpan.FromSeconds(12.5), ["synthetic-fault"], "1.0.0", findings, waivers);

    /// <summary>A report the size of a big run: <paramref name="count"/> results over every rule, one in twenty failing.</summary>
    public static SyntheticReport Large(int count)
    {
        var report = new SyntheticReport();
        var rules = Catalogue.Rules;
        for (var i = 0; i < count; i++)
        {
            var failing = i % 20 == 7;
            report.Test(rules[i % rules.Count].Id, failing ? Verdicts.Failed : Verdicts.Passed, exchanges: failing ? 4 : 0, responseBodyChars: 1200);
        }

        foreach (var endpoint in rules.SelectMany(r => r.Endpoints).Where(e => e != "*").Distinct())
        {
            foreach (var member in Core.Provisioning.CastMember.Everyone)
            {
                report.Permission(endpoint, member.Label, "allow", member.Label == "member-none" ? "deny" : "allow", member.Label == "member-none" ? 403 : 200);
            }
        }

        return report;
    }

    private Exchange Exchange(string testId, string actor, string purpose, int responseBodyChars)
    {
        var seq = ++sequence;
        var url = $"http://127.0.0.1:5000/api/anomalies/{seq.ToString(CultureInfo.InvariantCulture)}";
        var prefix = "{\"id\":" + seq.ToString(CultureInfo.InvariantCulture) + ",\"description\":\"";
        var body = prefix + new string('x', Math.Max(0, responseBodyChars - prefix.Length - 2)) + "\"}";
        return new Exchange
        {
            Sequence = seq,
            TestId = testId,
            Actor = actor,
            Purpose = purpose,
            Method = purpose == ExchangePurpose.Act ? "PUT" : "GET",
            Url = url,
            RequestHeaders = [new("Authorization", "Bearer " + Token)],
            RequestBody = purpose == ExchangePurpose.Act ? """{"status": "Acknowledged"}""" : null,
            Status = 200,
            ResponseHeaders = [new("Content-Type", "application/json")],
            ResponseBody = body,
            ResponseBodyBytes = body.Length,
            StartedAt = Started,
            DurationMs = 3,
            Curl = $"curl -sS -X PUT '{url}' -H \"Authorization: Bearer $TOKEN_{actor.ToUpperInvariant().Replace('-', '_')}\"",
        };
    }
}
