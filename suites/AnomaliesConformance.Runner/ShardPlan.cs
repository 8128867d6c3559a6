using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Runner.Reporting;
using NUnit.Framework.Interfaces;

namespace AnomaliesConformance.Runner;

/// <summary>A check as the split sees it: its id, the group it must share a shard with, and the rules it judges.</summary>
public sealed record ShardCheck(string Id, string Group, IReadOnlyList<string> Rules);

/// <summary>
/// Which checks of a run's selection (after --rule, --test) belong to one shard (--shard i/n). The split depends
/// on nothing but the selection: the same checks give the same split on any machine, with any seed and any
/// number of workers. A group (a fixture class, or every class sharing a run-wide fixture, see
/// <see cref="SharedFixtureAttribute"/>) is never split. Groups are dealt largest first to the shard with the
/// fewest checks so far, ties broken by a stable hash of the group's name, so the shards come out about equal.
/// </summary>
public sealed class ShardPlan
{
    private readonly HashSet<string> inShard;

    private ShardPlan(Shard shard, IReadOnlyList<ShardCheck> selection, IReadOnlyDictionary<string, int> shardOfGroup)
    {
        Shard = shard;
        Selection = selection;
        ShardOfGroup = shardOfGroup;
        inShard = selection.Where(c => shardOfGroup[c.Group] == shard.Index).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
    }

    public Shard Shard { get; }

    /// <summary>Every check of the selection, in every shard.</summary>
    public IReadOnlyList<ShardCheck> Selection { get; }

    /// <summary>The shard (1-based) each group goes to.</summary>
    public IReadOnlyDictionary<string, int> ShardOfGroup { get; }

    public IReadOnlySet<string> InShard => inShard;

    public bool Admits(string checkId) => inShard.Contains(checkId);

    /// <summary>
    /// Names the selection the shards split: two shards may be merged only when they split the same checks
    /// (a different suite build, --rule or --test changes it).
    /// </summary>
    public string Fingerprint => FingerprintOf(Selection);

    public static string FingerprintOf(IEnumerable<ShardCheck> selection)
    {
        var text = string.Join('\n', selection.Select(c => c.Group + "\t" + c.Id).Order(StringComparer.Ordinal));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    public static ShardPlan Of(IEnumerable<ShardCheck> selection, Shard shard)
    {
        var checks = selection.DistinctBy(c => c.Id, StringComparer.Ordinal).ToList();
        return new ShardPlan(shard, checks, Assign(checks, shard.Count));
    }

    /// <summary>The checks of a loaded NUnit test tree's leaves, grouped by their fixture's shared setup.</summary>
    public static ShardPlan Of(IEnumerable<ITest> selectedLeaves, Shard shard) => Of(selectedLeaves.Select(CheckOf), shard);

    public static ShardCheck CheckOf(ITest test) => new(test.FullName, GroupOf(test), EmbeddedTestRunner.RulesOf(test));

    /// <summary>The unit of shared setup of a check: the run-wide fixture its class declares, else its fixture class.</summary>
    public static string GroupOf(ITest test)
    {
        var type = test.TypeInfo?.Type;
        var shared = type?.GetCustomAttribute<SharedFixtureAttribute>(inherit: true);
        return shared is not null ? "shared:" + shared.Scope : "class:" + (test.ClassName ?? type?.FullName ?? test.FullName);
    }

    /// <summary>Deals the groups to <paramref name="count"/> shards: largest first, each to the shard with the fewest checks so far.</summary>
    public static IReadOnlyDictionary<string, int> Assign(IEnumerable<ShardCheck> checks, int count)
    {
        var groups = checks.GroupBy(c => c.Group, StringComparer.Ordinal)
            .Select(g => (Group: g.Key, Size: g.Count()))
            .OrderByDescending(g => g.Size)
            .ThenBy(g => StableHash(g.Group))
            .ThenBy(g => g.Group, StringComparer.Ordinal)
            .ToList();
        var load = new int[count];
        var assigned = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (group, size) in groups)
        {
            var smallest = 0;
            for (var shard = 1; shard < count; shard++)
            {
                if (load[shard] < load[smallest])
                {
                    smallest = shard;
                }
            }

            load[smallest] += size;
            assigned[group] = smallest + 1;
        }

        return assigned;
    }

    // string.GetHashCode differs between processes; the split must not.
    private static ulong StableHash(string text) => BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0);

    /// <summary>
    /// The report of this shard: rules none of whose checks ran here are "not in this shard" (skipped, never passed
    /// or failed), and a rule judged on some of its checks says so.
    /// </summary>
    public RunReport Annotate(RunReport report, RunSettings settings)
    {
        var totalByRule = Selection.SelectMany(c => c.Rules).GroupBy(r => r, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var rules = report.Rules.Select(rule =>
        {
            var total = totalByRule.GetValueOrDefault(rule.Rule.Id);
            var here = rule.Tests.Count;
            if (total == 0 || here == total)
            {
                return rule;
            }

            return here == 0
                ? rule with { Verdict = Verdicts.Skipped, Note = $"{ShardReport.NotInShard}: its {total} check(s) run in other shards" }
                : rule with { Note = $"judged on {here} of its {total} checks in shard {Shard}; the others run in other shards" + (rule.Note is null ? "" : "; " + rule.Note) };
        }).ToList();
        // The embedded reference server listens on a new port in every shard; it is still the same target.
        var target = settings.TargetUrl is null && settings.Image is null ? ShardReport.EmbeddedTarget : report.Target;
        var shardReport = new ShardReport(Shard.Index, Shard.Count, report.Tests.Count, Selection.Count, Fingerprint, ShardReport.CatalogueHash(settings.RulesPath), target);
        return report with { Rules = rules, Shard = shardReport };
    }
}
