using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace AnomaliesConformance.Runner.Reporting;

/// <summary>
/// Which part of a sharded run (--shard i/n) a report covers: its checks, the whole selection's, and what two
/// shards must share to be merged (the selection's fingerprint and the rules catalogue's hash).
/// </summary>
public sealed record ShardReport(int Index, int Count, int Checks, int TotalChecks, string Selection, string Catalogue, string Target)
{
    public const string NotInShard = "not in this shard";

    /// <summary>The target of a shard that started the embedded reference server, whatever port it listened on.</summary>
    public const string EmbeddedTarget = "the embedded reference server";

    /// <summary>"shard 2/4: 171 of 668 checks".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"shard {Index}/{Count}: {Checks} of {TotalChecks} checks");

    /// <summary>A shard's headline: never "conformant", which only the merged report may say of the whole run.</summary>
    public string Verdict(bool judgedRulesPassed) => $"shard {Index.ToString(CultureInfo.InvariantCulture)}/{Count.ToString(CultureInfo.InvariantCulture)}: "
        + (judgedRulesPassed ? "every MUST rule judged in this shard passed" : "MUST rules judged in this shard failed or could not be judged");

    /// <summary>What a reader of one shard's report must not take for the run's verdict.</summary>
    public string Explain() => Describe() + $"; rules whose checks ran in other shards are \"{NotInShard}\"; the verdict of the whole run is the merged report's (merge)";

    public JsonObject ToJson() => new()
    {
        ["index"] = Index,
        ["count"] = Count,
        ["checks"] = Checks,
        ["total_checks"] = TotalChecks,
        ["selection"] = Selection,
        ["catalogue_sha256"] = Catalogue,
        ["target"] = Target,
        ["description"] = Describe(),
    };

    public static string CatalogueHash(string rulesPath) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(rulesPath)));
}
