namespace AnomaliesConformance.Core.Catalogue;

/// <summary>One behavioural rule of <c>specs/rules.yaml</c>: what a conforming server does, and the doc sentence it comes from.</summary>
public sealed class Rule
{
    public string Id { get; set; } = "";
    public string Level { get; set; } = "";
    public string Area { get; set; } = "";
    public List<string> Endpoints { get; set; } = [];
    public string Sentence { get; set; } = "";
    public string Summary { get; set; } = "";
    public string? Choice { get; set; }
    public string? ProfileKey { get; set; }
    /// <summary>Disputed behaviour: recorded as an observation unless a profile declares the expectation.</summary>
    public bool Observation { get; set; }

    public bool IsMust => Level == "MUST";
}

public sealed class RuleCatalogueDocument
{
    public int Version { get; set; }
    public string Page { get; set; } = "";
    public List<Rule> Rules { get; set; } = [];
}
