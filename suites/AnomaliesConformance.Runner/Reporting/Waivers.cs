using System.Globalization;
using AnomaliesConformance.Core.Catalogue;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core;

namespace AnomaliesConformance.Runner.Reporting;

/// <summary>
/// A known deviation accepted for a while: a failing rule it names is reported <c>waived</c> instead of
/// <c>failed</c> until it expires. Format: specs/waivers.md.
/// </summary>
public sealed record Waiver(string Id, string Rule, string Reason, string Owner, DateOnly Expires);

/// <summary>What became of a waiver in one run. Anything but <see cref="Applied"/> is shown so it can be removed or renewed.</summary>
public static class WaiverStates
{
    /// <summary>The rule failed (or could not be judged) and the waiver covered it.</summary>
    public const string Applied = "applied";
    /// <summary>Past its expiry date: not applied, the rule keeps its own verdict.</summary>
    public const string Expired = "expired";
    /// <summary>The rule now passes: the waiver is stale and should be deleted.</summary>
    public const string RulePasses = "rule-passes";
    /// <summary>No test of this run checked the rule (e.g. a --rule filter): nothing to waive.</summary>
    public const string NotChecked = "not-checked";
}

/// <summary>A waiver with what this run made of it.</summary>
public sealed record WaiverOutcome(Waiver Waiver, string State, string Explanation)
{
    public bool IsStale => State is WaiverStates.Expired or WaiverStates.RulePasses;
}

/// <summary>Loads a waiver file strictly: an unknown key, a missing field, a bad date or an unknown rule is an error naming the waiver.</summary>
public static class WaiverFile
{
    public static IReadOnlyList<Waiver> Load(string path, RuleCatalogue catalogue)
    {
        if (!File.Exists(path))
        {
            throw new ConfigurationException($"--waivers: {path} does not exist");
        }

        WaiverDocument? document;
        try
        {
            document = new DeserializerBuilder()
                .WithNamingConvention(UnderscoredNamingConvention.Instance)
                .Build()
                .Deserialize<WaiverDocument>(File.ReadAllText(path));
        }
        catch (YamlException e)
        {
            throw new ConfigurationException($"--waivers: {path}:{e.Start.Line}: {e.InnerException?.Message ?? e.Message}");
        }

        var waivers = new List<Waiver>();
        foreach (var (entry, index) in (document?.Waivers ?? []).Select((w, i) => (w, i)))
        {
            var where = $"--waivers: {path}: waiver #{index + 1}{(string.IsNullOrWhiteSpace(entry.Id) ? "" : $" ({entry.Id})")}";
            string Required(string? value, string field) =>
                string.IsNullOrWhiteSpace(value) ? throw new ConfigurationException($"{where}: '{field}' is required") : value.Trim();

            var id = Required(entry.Id, "id");
            var rule = Required(entry.Rule, "rule");
            if (catalogue.Find(rule) is null)
            {
                throw new ConfigurationException($"{where}: rule {rule} is not in specs/rules.yaml");
            }

            if (!DateOnly.TryParseExact(Required(entry.Expires, "expires"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var expires))
            {
                throw new ConfigurationException($"{where}: 'expires' must be a date YYYY-MM-DD, not '{entry.Expires}'");
            }

            if (waivers.Any(w => w.Id == id))
            {
                throw new ConfigurationException($"{where}: id {id} is used twice");
            }

            waivers.Add(new Waiver(id, rule, Required(entry.Reason, "reason"), Required(entry.Owner, "owner"), expires));
        }

        return waivers;
    }

    private sealed class WaiverDocument
    {
        public List<WaiverEntry> Waivers { get; set; } = [];
    }

    private sealed class WaiverEntry
    {
        public string? Id { get; set; }
        public string? Rule { get; set; }
        public string? Reason { get; set; }
        public string? Owner { get; set; }
        public string? Expires { get; set; }
    }
}
