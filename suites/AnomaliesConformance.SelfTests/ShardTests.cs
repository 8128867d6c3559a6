using System.Text.Json.Nodes;
using System.Xml.Linq;
using AnomaliesConformance.Core;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Runner;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NJsonSchema;
using NUnit.Framework;

namespace AnomaliesConformance.SelfTests;

/// <summary>
/// --shard i/n and merge: a 4-way sharded run, merged, judges every rule and every check as the unsharded run with
/// the same seed does, clean and with a reference fault on; the shards partition the checks without splitting a
/// fixture group, the same way in every process; bad --shard values and shards that are not one run's are exit 2.
/// </summary>
// The tests share two sharded runs (about two and a half minutes of runner time) and read them one after another.
[Parallelizable(ParallelScope.Self)]
public sealed class ShardTests
{
    private const int Seed = 9090;
    private const int Shards = 4;
    // Rules of several small fixture classes, so the faulted run's four shards each get some; the fault breaks the first.
    private const string FaultedRules = "TAGS-REPLACE,TAGS-CLEAR,ASSIGNEES-REPLACE,ASSIGNEES-CLEAR,HARD-DELETE-ONLY-ARCHIVED,HARD-DELETE-REMOVES,GET-BY-ID,GET-BY-UUID,COMMENTS-NEWEST-FIRST,HISTORY-RECORDS-CHANGES";
    private const string Fault = "tags-append";
    private const string BrokenRule = "TAGS-REPLACE";

    private static readonly Lazy<Task<ShardedRun>> Clean = new(() => ShardedRun.RunAsync("clean", []));
    private static readonly Lazy<Task<ShardedRun>> Faulted = new(() => ShardedRun.RunAsync("faulted", ["--rule", FaultedRules, "--reference-fault", Fault]));

    [Test]
    public async Task A_4_way_sharded_run_merged_judges_every_rule_and_every_check_as_the_unsharded_run_with_the_same_seed()
    {
        var run = await Clean.Value;

        run.ShouldMergeToTheWholeRun();
        run.WholeRun.ExitCode.Should().Be(0, "the reference server is conformant: {0}", run.WholeRun);
        ResultsFile.Load(run.Merged).Document["rules"]!.AsArray().Should().HaveCountGreaterThan(100, "the clean comparison covers the whole catalogue");
    }

    [Test]
    public async Task With_a_reference_fault_on_the_merged_verdicts_equal_the_unsharded_ones_failure_included_and_only_its_shard_exits_1()
    {
        var run = await Faulted.Value;

        run.ShouldMergeToTheWholeRun();
        run.WholeRun.ExitCode.Should().Be(1, "{0}", run.WholeRun);
        var schema = await JsonSchema.FromFileAsync(Repository.Specs("results.schema.json"));
        schema.Validate(await File.ReadAllTextAsync(Path.Combine(run.Merged, "results.json"))).Select(v => $"{v.Path}: {v.Kind}").Should().BeEmpty("the merged results.json follows specs/results.schema.json");
        ResultsFile.Load(run.Merged).FailedRules().Should().Equal([BrokenRule], "the merged report fails exactly the fault's rule");
        for (var i = 1; i <= Shards; i++)
        {
            var judgedHere = ResultsFile.Load(run.Shard(i)).FailedRules().Contains(BrokenRule);
            run.ShardRuns[i - 1].ExitCode.Should().Be(judgedHere ? 1 : 0, "a shard exits 1 only when a MUST rule judged in it failed: {0}", run.ShardRuns[i - 1]);
        }

        run.ShardRuns.Count(r => r.ExitCode == 1).Should().Be(1, "the broken rule's one check ran in one shard");
    }

    [Test]
    public async Task The_shards_partition_the_checks_none_twice_none_lost()
    {
        var run = await Clean.Value;

        var perShard = Enumerable.Range(1, Shards).Select(i => TestIds(run.Shard(i))).ToList();
        perShard.SelectMany(ids => ids).Should().OnlyHaveUniqueItems("no check runs in two shards");
        perShard.SelectMany(ids => ids).Should().BeEquivalentTo(TestIds(run.WholeDirectory), "every check of the unsharded run runs in some shard");
        perShard.Should().AllSatisfy(ids => ids.Should().NotBeEmpty("the whole catalogue has more fixture groups than shards"));
        for (var i = 1; i <= Shards; i++)
        {
            var shard = ResultsFile.Load(run.Shard(i)).Document["shard"]!;
            shard["total_checks"]!.GetValue<int>().Should().Be(perShard.Sum(ids => ids.Count));
            shard["description"]!.GetValue<string>().Should().Be($"shard {i}/{Shards}: {perShard[i - 1].Count} of {perShard.Sum(ids => ids.Count)} checks");
        }
    }

    [Test]
    public async Task A_fixture_class_and_the_classes_sharing_a_run_wide_fixture_run_in_one_shard()
    {
        var run = await Clean.Value;

        var shardOfTest = Enumerable.Range(1, Shards).SelectMany(i => TestIds(run.Shard(i)).Select(id => (Id: id, Shard: i))).ToDictionary(t => t.Id, t => t.Shard);
        var groups = SuiteTests.All.Where(t => shardOfTest.ContainsKey(t.FullName)).GroupBy(ShardPlan.GroupOf).ToList();
        groups.Should().Contain(g => g.Key == "shared:endpoint-world" && g.Select(t => t.ClassName).Distinct().Count() > 1, "the permission matrix and authentication classes share the endpoint world");
        foreach (var group in groups)
        {
            group.Select(t => shardOfTest[t.FullName]).Distinct().Should().ContainSingle($"group {group.Key} must not be split");
        }
    }

    [Test]
    public async Task The_split_is_the_same_in_every_process_and_in_any_order()
    {
        var run = await Clean.Value;

        for (var i = 1; i <= Shards; i++)
        {
            var here = ShardPlan.Of(SuiteTests.All, new Shard(i, Shards));
            var reversed = ShardPlan.Of(SuiteTests.All.Reverse(), new Shard(i, Shards));
            here.InShard.Should().BeEquivalentTo(TestIds(run.Shard(i)), $"the runner's process dealt shard {i} as this one does");
            reversed.InShard.Should().BeEquivalentTo(here.InShard, "the order the tests are found in does not matter");
        }
    }

    [Test]
    public void Groups_are_dealt_largest_first_to_the_emptiest_shard()
    {
        var sizes = new Dictionary<string, int> { ["a"] = 9, ["b"] = 5, ["c"] = 4, ["d"] = 3, ["e"] = 2, ["f"] = 1 };
        var checks = sizes.SelectMany(g => Enumerable.Range(0, g.Value).Select(n => new ShardCheck($"{g.Key}{n}", g.Key, []))).ToList();

        var assigned = ShardPlan.Assign(checks, 3);

        var loads = Enumerable.Range(1, 3).Select(s => sizes.Where(g => assigned[g.Key] == s).Sum(g => g.Value)).ToList();
        loads.Should().Equal([9, 8, 7], "a: 9; b: 5, then d: 3 on it; c: 4, e: 2 and f: 1 on the third");
    }

    [TestCase("0/4")]
    [TestCase("5/4")]
    [TestCase("1/65")]
    [TestCase("1/0")]
    [TestCase("-1/4")]
    [TestCase("2")]
    [TestCase("a/b")]
    [TestCase("1/4/2")]
    public void A_bad_shard_value_is_a_usage_error_naming_the_option(string value)
    {
        var settings = () => new RunnerCommandLine().Settings(["--shard", value, "--out", TempDirectory.Create("shard-settings")], _ => null);

        settings.Should().Throw<ConfigurationException>().Which.Message.Should().StartWith("--shard: ").And.Contain(value);
    }

    [Test]
    public void A_good_shard_value_reaches_the_settings()
    {
        new RunnerCommandLine().Settings(["--shard", "3/64", "--out", TempDirectory.Create("shard-settings")], _ => null).Shard.Should().Be(new Shard(3, 64));
    }

    [Test]
    public async Task A_bad_shard_value_exits_2_before_anything_starts()
    {
        var run = await ChildProcess.RunRunnerAsync("--shard", "5/4", "--out", TempDirectory.Create("bad-shard"));

        run.ExitCode.Should().Be(2, "{0}", run);
        run.StandardError.Should().Contain("--shard: '5/4'");
    }

    [Test]
    public async Task Merge_refuses_a_missing_shard_a_shard_given_twice_and_shards_of_another_seed()
    {
        var run = await Faulted.Value;

        var missing = await ChildProcess.RunRunnerAsync("merge", run.Shard(1), run.Shard(2), run.Shard(4), "--out", TempDirectory.Create("merge-missing"));
        missing.ExitCode.Should().Be(2, "{0}", missing);
        missing.StandardError.Should().Contain("shard 3/4 is missing");

        var twice = await ChildProcess.RunRunnerAsync("merge", run.Shard(1), run.Shard(2), run.Shard(3), run.Shard(4), run.Shard(2), "--out", TempDirectory.Create("merge-twice"));
        twice.ExitCode.Should().Be(2, "{0}", twice);
        twice.StandardError.Should().Contain("shard 2/4 is given twice");

        var otherSeed = TempDirectory.Create("merge-other-seed");
        var results = ResultsFile.Load(run.Shard(4)).Document;
        results["seed"] = Seed + 1;
        await File.WriteAllTextAsync(Path.Combine(otherSeed, "results.json"), results.ToJsonString());
        var seeds = await ChildProcess.RunRunnerAsync("merge", run.Shard(1), run.Shard(2), run.Shard(3), otherSeed, "--out", TempDirectory.Create("merge-seeds"));
        seeds.ExitCode.Should().Be(2, "{0}", seeds);
        seeds.StandardError.Should().Contain("different seeds");

        var whole = await ChildProcess.RunRunnerAsync("merge", run.WholeDirectory, "--out", TempDirectory.Create("merge-whole"));
        whole.ExitCode.Should().Be(2, "{0}", whole);
        whole.StandardError.Should().Contain("is not a shard's report");
    }

    [Test]
    public async Task A_shard_report_says_which_shard_it_is_and_claims_nothing_for_rules_judged_elsewhere()
    {
        var run = await Faulted.Value;
        var schema = await JsonSchema.FromFileAsync(Repository.Specs("results.schema.json"));

        for (var i = 1; i <= Shards; i++)
        {
            var text = await File.ReadAllTextAsync(Path.Combine(run.Shard(i), "results.json"));
            schema.Validate(text).Select(v => $"{v.Path}: {v.Kind}").Should().BeEmpty("a shard's results.json follows specs/results.schema.json");
            var results = ResultsFile.Load(run.Shard(i)).Document;
            var description = results["shard"]!["description"]!.GetValue<string>();
            description.Should().StartWith($"shard {i}/{Shards}: ");
            var summary = await File.ReadAllTextAsync(Path.Combine(run.Shard(i), "summary.md"));
            summary.Should().Contain(description.Substring(1)).And.StartWith($"## Anomalies API conformance, shard {i}/{Shards}: ").And.NotContain("CONFORMANT", "only the merged report judges the whole run");
            var html = await File.ReadAllTextAsync(Path.Combine(run.Shard(i), "index.html"));
            html.Should().Contain("<dt>Shard</dt><dd>" + description).And.Contain($"<h1>Shard {i}/{Shards}: ").And.NotContain("Conformant:");
            run.ShardRuns[i - 1].StandardOutput.Should().Contain($"VERDICT OF SHARD {i}/{Shards}: ");

            var ranHere = results["tests"]!.AsArray().SelectMany(t => t!["rules"]!.AsArray().Select(r => r!.GetValue<string>())).ToHashSet();
            var wholeRules = ResultsFile.Load(run.WholeDirectory).Document["rules"]!.AsArray().Where(r => r!["tests"]!.GetValue<int>() > 0).Select(r => r!["id"]!.GetValue<string>()).ToHashSet();
            foreach (var rule in results["rules"]!.AsArray().Select(r => r!.AsObject()).Where(r => wholeRules.Contains(r["id"]!.GetValue<string>()) && !ranHere.Contains(r["id"]!.GetValue<string>())))
            {
                rule["verdict"]!.GetValue<string>().Should().Be(Verdicts.Skipped, "a rule whose checks ran elsewhere is neither passed nor failed here");
                rule["note"]!.GetValue<string>().Should().StartWith("not in this shard");
            }
        }
    }

    private static List<string> TestIds(string directory) =>
        [.. ResultsFile.Load(directory).Document["tests"]!.AsArray().Select(t => t!["id"]!.GetValue<string>())];

    /// <summary>One seed run whole, in four shards, and the shards merged; each in a child process, as CI would.</summary>
    private sealed record ShardedRun(ChildProcessResult WholeRun, string WholeDirectory, IReadOnlyList<ChildProcessResult> ShardRuns, string Root, ChildProcessResult MergeRun)
    {
        public string Merged => Path.Combine(Root, "merged");

        public string Shard(int index) => Path.Combine(Root, $"shard-{index}");

        public static async Task<ShardedRun> RunAsync(string name, string[] options)
        {
            var root = TempDirectory.Create("shards-" + name);
            string[] common = [.. options, "--seed", Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            var whole = await ChildProcess.RunRunnerAsync([.. common, "--out", Path.Combine(root, "whole")], TimeSpan.FromMinutes(5));
            var shards = new List<ChildProcessResult>();
            for (var i = 1; i <= Shards; i++)
            {
                shards.Add(await ChildProcess.RunRunnerAsync([.. common, "--shard", $"{i}/{Shards}", "--out", Path.Combine(root, $"shard-{i}")], TimeSpan.FromMinutes(5)));
            }

            var merge = await ChildProcess.RunRunnerAsync(["merge", .. Enumerable.Range(1, Shards).Select(i => Path.Combine(root, $"shard-{i}")), "--out", Path.Combine(root, "merged")], TimeSpan.FromMinutes(2));
            return new ShardedRun(whole, Path.Combine(root, "whole"), shards, root, merge);
        }

        public void ShouldMergeToTheWholeRun()
        {
            MergeRun.ExitCode.Should().Be(WholeRun.ExitCode, "merge exits as the unsharded run did: {0}", MergeRun);
            var whole = ResultsFile.Load(WholeDirectory).Document;
            var merged = ResultsFile.Load(Merged).Document;
            Verdicts(merged["rules"]!, "id").Should().Equal(Verdicts(whole["rules"]!, "id"), "rule by rule");
            Verdicts(merged["tests"]!, "id").Should().Equal(Verdicts(whole["tests"]!, "id"), "check by check");
            merged["conformant"]!.GetValue<bool>().Should().Be(whole["conformant"]!.GetValue<bool>());
            merged["shard"].Should().BeNull("the merged report is the whole run's");
            static List<string> Cases(string directory) =>
                [.. XDocument.Load(Path.Combine(directory, "junit.xml")).Descendants("testcase").Select(c => $"{(string?)c.Attribute("name")}: {(c.Element("failure") is null ? "ok" : "failure")}").Order(StringComparer.Ordinal)];
            Cases(Merged).Should().Equal(Cases(WholeDirectory), "junit.xml has the unsharded run's test cases and failures");
        }

        private static List<string> Verdicts(JsonNode list, string key) =>
            [.. list.AsArray().Select(e => $"{e![key]!.GetValue<string>()}: {e["verdict"]!.GetValue<string>()}").Order(StringComparer.Ordinal)];
    }
}
