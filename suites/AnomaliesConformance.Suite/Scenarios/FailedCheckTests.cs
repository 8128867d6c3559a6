using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Core.Running;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.Suite.Scenarios;

[Effect(CheckEffect.Read)]
public sealed class FailedCheckTests : ConformanceTest
{
    private static readonly FailedCheckSpec[] Checks =
    [
        new(778, "notNull", "customer_id is null for new orders", ["customer_id"]),
        new(779, "between", "amount is outside 0 and 10000", ["amount"]),
        new(780, "matchesPattern", "email does not match the address pattern", ["email", "contact_email"]),
    ];

    [Test]
    [Rule("FAILED-CHECKS-CONTENT")]
    public async Task Failed_checks_lists_each_check_that_produced_the_anomaly_with_its_rule_type_and_message()
    {
        var world = await ProvisionOneAsync(new() { FailedChecks = Checks });

        var response = (await FailedChecksAsync(As("member-viewer"), world["a"].Id)).ShouldHaveStatus(200, "reading the failed checks");

        var items = response.Array.Select(c => (Id: c?["id"]?.GetValue<long>(), RuleType: c?["rule_type"]?.GetValue<string>(), Message: c?["message"]?.GetValue<string>())).ToList();
        items.Should().BeEquivalentTo(Checks.Select(c => ((long?)c.Id, (string?)c.RuleType, (string?)c.Message)), "one item per check, with its rule type and message: {0}", response);
    }

    [Test]
    [Rule("FAILED-CHECKS-MATCH-ANOMALY")]
    public async Task The_failed_checks_endpoint_answers_the_anomalys_failed_checks_field()
    {
        var anomaly = (await ReadOnlyAnomaliesAsync(1, new() { FailedChecks = Checks }))[0];

        // The same caller reads both, so only a difference between the two answers can fail this rule.
        var response = (await FailedChecksAsync(As("member-viewer"), anomaly.Id)).ShouldHaveStatus(200, "reading the failed checks");
        var field = (await GetAnomalyAsync(As("member-viewer"), anomaly.Id)).ShouldHaveStatus(200, "reading the anomaly").Object["failed_checks"] as JsonArray ?? [];

        var byId = field.ToDictionary(c => c!["id"]!.GetValue<long>());
        response.Array.Should().HaveSameCount(field, "the endpoint lists the same checks as the anomaly's failed_checks: {0}", response);
        foreach (var check in response.Array)
        {
            var id = check?["id"]?.GetValue<long>() ?? 0;
            byId.Should().ContainKey(id, "check {0} of the endpoint is one of the anomaly's failed_checks: {1}", id, response);
            JsonDiff.FirstDifference(byId[id], check).Should().BeNull("check {0} is the same in both: {1}", id, response);
        }
    }
}
