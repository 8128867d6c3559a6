using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core.Discovery;

namespace AnomaliesConformance.Suite.Scenarios;

public sealed partial class ListTests
{
    private static AnomalySpec Checks(params FailedCheckSpec[] checks) => new() { FailedChecks = checks };

    private static FailedCheckSpec Check(long id = 1, string ruleType = "notNull", string message = "a value is missing", string[]? fields = null) =>
        new(id, ruleType, message, fields ?? ["order_id"]);

    /// <summary>
    /// Filters by a value of the failed checks that one anomaly holds in a check after its first only (read back,
    /// as <see cref="FailedCheckTerms.BeyondFirstCheck"/> derives it), and expects exactly the anomalies holding
    /// it in any check; answers the anomalies as read back.
    /// </summary>
    private static async Task<IReadOnlyList<(string Key, AnomalyTraits Traits)>> ShouldMatchEveryFailedCheckAsync(
        World world, string filter, Func<FailedCheckTraits, IEnumerable<string>> values, ExistingNeed need)
    {
        var anomalies = await ReadBackAsync(world);
        var value = Derived(FailedCheckTerms.BeyondFirstCheck([.. anomalies.Select(a => a.Traits)], values), need);

        await ShouldListExactlyAsync(world, KeysWhere(anomalies, a => FailedCheckTerms.Holds(a, value, values)), $"{filter}={value} matches every failed check", (filter, value));
        return anomalies;
    }

    [Test]
    [Rule("LIST-FILTER-STATUS")]
    public async Task The_status_filter_returns_exactly_the_anomalies_with_one_of_the_statuses()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("active-1", new() { Status = "Active" })
            .Anomaly("active-2", new() { Status = "Active" })
            .Anomaly("acknowledged", new() { Status = "Acknowledged" })
            .Anomaly("resolved", new() { Status = "Resolved" }));

        await ShouldListExactlyAsync(world, ["active-1", "active-2"], "status=Active", ("status", "Active"));
        await ShouldListExactlyAsync(world, ["acknowledged"], "status=Acknowledged", ("status", "Acknowledged"));
        await ShouldListExactlyAsync(
            world, ["active-1", "active-2", "acknowledged"], "repeated status values combine with OR", ("status", "Active"), ("status", "Acknowledged"));
    }

    [Test]
    [Rule("LIST-FILTER-ANOMALY-TYPE")]
    public async Task The_anomaly_type_filter_returns_exactly_the_anomalies_of_that_type()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("record-1", new() { Type = "record" })
            .Anomaly("record-2", new() { Type = "record" })
            .Anomaly("shape-1", new() { Type = "shape" })
            .Anomaly("shape-2", new() { Type = "shape" }));

        await ShouldListExactlyAsync(world, ["record-1", "record-2"], "anomaly_type=record", ("anomaly_type", "record"));
        await ShouldListExactlyAsync(world, ["shape-1", "shape-2"], "anomaly_type=shape", ("anomaly_type", "shape"));
    }

    [Test]
    [Rule("LIST-FILTER-DATASTORE")]
    public async Task The_datastore_filter_returns_exactly_the_anomalies_of_those_datastores()
    {
        var first = await ProvisionAsync(b => b.Anomaly("a1").Anomaly("a2"));
        var second = await ProvisionAsync(b => b.Anomaly("b1"));

        var one = (await ListAsync(Viewer, ("datastore", first.DatastoreId), ("size", 100))).ShouldSucceed("datastore=<first>");
        one.ListItems().Select(a => a.Id()).Should().BeEquivalentTo([first["a1"].Id, first["a2"].Id], "only the first datastore's anomalies: {0}", one);

        var both = (await ListAsync(Viewer, ("datastore", first.DatastoreId), ("datastore", second.DatastoreId), ("size", 100))).ShouldSucceed("two datastore values");
        both.ListItems().Select(a => a.Id()).Should().BeEquivalentTo(
            [first["a1"].Id, first["a2"].Id, second["b1"].Id], "repeated datastore values combine with OR: {0}", both);
    }

    [Test]
    [Rule("LIST-FILTER-CONTAINER")]
    public async Task The_container_filter_returns_exactly_the_anomalies_of_those_containers()
    {
        var world = await ProvisionAsync(b => b
            .Container("other")
            .Anomaly("main-1", new() { Container = "main" })
            .Anomaly("main-2", new() { Container = "main" })
            .Anomaly("other-1", new() { Container = "other" }));

        await ShouldListExactlyAsync(world, ["other-1"], "container=<other>", ("container", world.Containers["other"]));
        await ShouldListExactlyAsync(world, ["main-1", "main-2"], "container=<main>", ("container", world.Containers["main"]));
    }

    [Test]
    [Rule("LIST-FILTER-FIELD")]
    public async Task The_field_filter_matches_any_field_of_any_failed_check()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("first-check", Checks(Check(fields: ["customer_id"])))
            .Anomaly("second-check", Checks(Check(fields: ["amount"]), Check(id: 2, fields: ["customer_id"])))
            .Anomaly("second-field", Checks(Check(fields: ["amount", "customer_id"])))
            .Anomaly("other-field", Checks(Check(fields: ["amount"])))
            .OnExisting(ExistingNeeds.FieldBeyondFirstCheck));

        await ShouldMatchEveryFailedCheckAsync(world, "field", FailedCheckTerms.FieldsOf, ExistingNeeds.FieldBeyondFirstCheck);
    }

    [Test]
    [Rule("LIST-FILTER-QUALITY-CHECK")]
    public async Task The_quality_check_filter_matches_any_failed_check()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("first-check", Checks(Check(id: 7001)))
            .Anomaly("second-check", Checks(Check(id: 7002), Check(id: 7001)))
            .Anomaly("other-check", Checks(Check(id: 7002)))
            .OnExisting(ExistingNeeds.QualityCheckBeyondFirstCheck));

        await ShouldMatchEveryFailedCheckAsync(world, "quality_check", FailedCheckTerms.IdOf, ExistingNeeds.QualityCheckBeyondFirstCheck);
    }

    [Test]
    [Rule("LIST-FILTER-RULE-TYPE")]
    public async Task The_rule_type_filter_matches_any_failed_check()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("first-check", Checks(Check(ruleType: "notNull")))
            .Anomaly("second-check", Checks(Check(ruleType: "between"), Check(id: 2, ruleType: "notNull")))
            .Anomaly("other-rule", Checks(Check(ruleType: "between")))
            .OnExisting(ExistingNeeds.RuleTypeBeyondFirstCheck));

        var anomalies = await ShouldMatchEveryFailedCheckAsync(world, "rule_type", FailedCheckTerms.RuleTypeOf, ExistingNeeds.RuleTypeBeyondFirstCheck);
        var (first, second) = Derived(FailedCheckTerms.TwoValues([.. anomalies.Select(a => a.Traits)], FailedCheckTerms.RuleTypeOf), ExistingNeeds.RuleTypeBeyondFirstCheck);
        await ShouldListExactlyAsync(
            world,
            KeysWhere(anomalies, a => FailedCheckTerms.Holds(a, first, FailedCheckTerms.RuleTypeOf) || FailedCheckTerms.Holds(a, second, FailedCheckTerms.RuleTypeOf)),
            "repeated rule_type values combine with OR",
            ("rule_type", first),
            ("rule_type", second));
    }

    [Test]
    [Rule("LIST-FILTER-ASSIGNEE")]
    public async Task The_assignee_filter_returns_only_anomalies_assigned_to_those_users()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("viewer", new() { Assignees = ["member-viewer"] })
            .Anomaly("author", new() { Assignees = ["member-author"] })
            .Anomaly("nobody"));

        await ShouldListExactlyAsync(world, ["viewer"], "only anomalies assigned to member-viewer match", ("assignee", As("member-viewer").UserId!));
        await ShouldListExactlyAsync(
            world, ["viewer", "author"], "values of one filter combine with OR", ("assignee", As("member-viewer").UserId!), ("assignee", As("member-author").UserId!));
    }

    [Test]
    [Rule("LIST-FILTER-TAG")]
    public async Task The_tag_filter_returns_only_anomalies_with_those_tags()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("high", new() { Tags = ["High"] })
            .Anomaly("low", new() { Tags = ["Low"] })
            .Anomaly("untagged"));

        await ShouldListExactlyAsync(world, ["high"], $"only anomalies tagged {world.Tag("High")} match", ("tag", world.Tag("High")));
    }

    [Test]
    [Rule("LIST-FILTERS-AND")]
    public async Task The_pages_example_returns_active_anomalies_assigned_to_the_user_with_the_tag_sorted_by_severity()
    {
        // status=Active&assignee=42&tag=High&sort_weight=desc: "active anomalies assigned to user 42 with the tag
        // High, sorted by severity descending". Each other anomaly misses exactly one of the three filters.
        var world = await ProvisionAsync(b => b
            .Anomaly("match-light", new() { Status = "Active", Assignees = ["member-viewer"], Tags = ["High"], Weight = 20 })
            .Anomaly("match-heavy", new() { Status = "Active", Assignees = ["member-viewer", "member-author"], Tags = ["High", "Low"], Weight = 80 })
            .Anomaly("acknowledged", new() { Status = "Acknowledged", Assignees = ["member-viewer"], Tags = ["High"], Weight = 90 })
            .Anomaly("other-assignee", new() { Status = "Active", Assignees = ["member-author"], Tags = ["High"], Weight = 70 })
            .Anomaly("other-tag", new() { Status = "Active", Assignees = ["member-viewer"], Tags = ["Low"], Weight = 60 }));

        (string, object)[][] alone = [[("status", "Active")], [("assignee", As("member-viewer").UserId!)], [("tag", world.Tag("High"))]];
        string[][] matching = [["match-light", "match-heavy", "other-assignee", "other-tag"], ["match-light", "match-heavy", "acknowledged", "other-tag"], ["match-light", "match-heavy", "acknowledged", "other-assignee"]];
        for (var i = 0; i < alone.Length; i++)
        {
            // Each filter alone is its own rule's (LIST-FILTER-STATUS, -ASSIGNEE, -TAG); their combination is this one's.
            var single = (await ListAsync(Viewer, [("datastore", world.DatastoreId), .. alone[i]])).ShouldSucceed($"filtering by {alone[i][0].Item1} alone");
            Precondition(KeysOf(world, single).Order().SequenceEqual(matching[i].Order()), $"{alone[i][0].Item1} alone selecting its anomalies", "LIST-FILTER-" + alone[i][0].Item1.ToUpperInvariant(), single);
        }

        var sorted = (await ListAsync(Viewer, ("datastore", world.DatastoreId), ("sort_weight", "desc"))).ShouldSucceed("sorting by weight alone");
        Precondition(KeysOf(world, sorted).SequenceEqual(["acknowledged", "match-heavy", "other-assignee", "other-tag", "match-light"]), "sort_weight=desc alone ordering by weight", "LIST-SORT-WEIGHT", sorted);

        var response = (await ListAsync(Viewer, ("datastore", world.DatastoreId), ("status", "Active"), ("assignee", As("member-viewer").UserId!), ("tag", world.Tag("High")), ("sort_weight", "desc")))
            .ShouldSucceed("for the page's example combination");

        KeysOf(world, response).Should().Equal(["match-heavy", "match-light"], "different filters combine with AND, sorted by weight descending: {0}", response);
    }

    [Test]
    [Rule("LIST-FILTERS-COMBINE")]
    public async Task A_comma_joined_value_is_one_value()
    {
        // That repeated values combine with OR is each filter's own MUST rule; the comma is a choice.
        var world = await ProvisionAsync(b => b
            .Anomaly("not-null", new() { FailedChecks = [Check(ruleType: "notNull")] })
            .Anomaly("between", new() { FailedChecks = [Check(ruleType: "between")] })
            .Anomaly("unique", new() { FailedChecks = [Check(ruleType: "isUnique")] })
            .OnExisting(ExistingNeeds.TwoRuleTypes));
        var anomalies = await ReadBackAsync(world);
        var (first, second) = Derived(FailedCheckTerms.TwoValues([.. anomalies.Select(a => a.Traits)], FailedCheckTerms.RuleTypeOf), ExistingNeeds.TwoRuleTypes);
        var joined = $"{first},{second}";

        await ShouldListExactlyAsync(
            world, KeysWhere(anomalies, a => FailedCheckTerms.Holds(a, joined, FailedCheckTerms.RuleTypeOf)), "a comma-joined value is one value, not two", ("rule_type", joined));
    }
}
