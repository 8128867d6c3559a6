using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core.Discovery;

namespace AnomaliesConformance.Suite.Scenarios;

[Effect(CheckEffect.Read)]
[OnExistingData]
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
        var world = await ProvisionAsync(b => b.Anomaly("a", new() { FailedChecks = Checks }).OnExisting(ExistingNeeds.FailedChecksStated));
        // An existing anomaly's checks are what an Admin reads on the anomaly itself; a provisioned one's, those chosen.
        var expected = !world.IsExisting
            ? Checks.Select(c => (c.Id, c.RuleType, c.Message)).ToList()
            : TargetSurvey.TraitsOf(world["a"].Id, await SnapshotAsync(world["a"])).FailedCheckList.Select(c => (c.Id!.Value, c.RuleType!, c.Message!)).ToList();

        var response = (await FailedChecksAsync(As("member-viewer"), world["a"].Id)).ShouldSucceed("reading the failed checks");

        // The page's example names the keys of a check: id, rule_type and message.
        var items = Read.PageOf(response, Read.ShapeRule).Items
            .Select(c => (Id: Read.RequiredInteger(c, "id", "a failed check", response), RuleType: Read.RequiredString(c, "rule_type", "a failed check", response), Message: Read.RequiredString(c, "message", "a failed check", response)))
            .ToList();
        items.Should().BeEquivalentTo(expected, "one item per check, with its rule type and message: {0}", response);
    }

    [Test]
    [Rule("FAILED-CHECKS-MATCH-ANOMALY")]
    public async Task The_failed_checks_endpoint_answers_the_anomalys_failed_checks_field()
    {
        var anomaly = (await ReadOnlyAnomaliesAsync(1, new() { FailedChecks = Checks }))[0];

        // The same caller reads both, so only a difference between the two answers can fail this rule.
        var response = (await FailedChecksAsync(As("member-viewer"), anomaly.Id)).ShouldSucceed("reading the failed checks");
        var one = (await GetAnomalyAsync(As("member-viewer"), anomaly.Id)).ShouldSucceed("reading the anomaly");
        var field = Read.RequiredValue(one.Object, "failed_checks", "the anomaly", one) as JsonArray;
        FailUnless(field is not null, "expected the anomaly's failed_checks to be a list", one);

        var byId = field!.ToDictionary(c => c!.Id());
        response.Array.Should().HaveSameCount(field, "the endpoint lists the same checks as the anomaly's failed_checks: {0}", response);
        foreach (var check in response.Array)
        {
            var id = check!.Id();
            byId.Should().ContainKey(id, "check {0} of the endpoint is one of the anomaly's failed_checks: {1}", id, response);
            JsonDiff.FirstDifference(byId[id], check).Should().BeNull("check {0} is the same in both: {1}", id, response);
        }
    }
}
