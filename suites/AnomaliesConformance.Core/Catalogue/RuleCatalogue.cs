using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace AnomaliesConformance.Core.Catalogue;

/// <summary>The rule catalogue, loaded strictly: an unknown key or a duplicate id is an error with its line.</summary>
public sealed class RuleCatalogue
{
    private static readonly string[] Levels = ["MUST", "SHOULD"];

    private readonly Dictionary<string, Rule> byId;

    private RuleCatalogue(string path, RuleCatalogueDocument document)
    {
        Path = path;
        Page = document.Page;
        Rules = document.Rules;
        byId = document.Rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
    }

    public string Path { get; }
    public string Page { get; }
    public IReadOnlyList<Rule> Rules { get; }

    public Rule? Find(string id) => byId.GetValueOrDefault(id);

    public static RuleCatalogue Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ConfigurationException($"rule catalogue {path} does not exist");
        }

        var deserializer = new DeserializerBuilder()
            .WithNamingConvention(UnderscoredNamingConvention.Instance)
            .Build();
        RuleCatalogueDocument? document;
        try
        {
            document = deserializer.Deserialize<RuleCatalogueDocument>(File.ReadAllText(path));
        }
        catch (YamlException e)
        {
            throw new ConfigurationException($"{path}:{e.Start.Line}: {e.InnerException?.Message ?? e.Message}");
        }

        if (document is null || document.Rules.Count == 0)
        {
            throw new ConfigurationException($"{path}: no rules");
        }

        var problems = new List<string>();
        foreach (var group in document.Rules.GroupBy(r => r.Id).Where(g => g.Count() > 1))
        {
            problems.Add($"rule id {group.Key} appears {group.Count()} times");
        }

        foreach (var rule in document.Rules)
        {
            if (string.IsNullOrWhiteSpace(rule.Id) || !Levels.Contains(rule.Level) || string.IsNullOrWhiteSpace(rule.Sentence))
            {
                problems.Add($"rule '{rule.Id}' needs an id, a level (MUST or SHOULD) and a sentence");
            }
        }

        if (problems.Count > 0)
        {
            throw new ConfigurationException($"{path}: " + string.Join("; ", problems));
        }

        return new RuleCatalogue(path, document);
    }
}
