using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace AnomaliesConformance.Core.Catalogue;

/// <summary>What the matrix expects of one cast member on one endpoint, and the catalogue rule that expectation enforces.</summary>
public sealed record PermissionExpectation(string Role, bool Allowed, string Rule)
{
    public string Expected => Allowed ? "allow" : "deny";
}

/// <summary>One endpoint (one request the suite sends, named by <see cref="Call"/>) and its expectation for every cast member.</summary>
public sealed record PermissionRow(string Call, string Endpoint, string Rule, IReadOnlyList<PermissionExpectation> Cells);

/// <summary>
/// <c>specs/permissions.yaml</c>: which cast member each endpoint allows or denies. Loaded strictly: every row
/// names every cast member once, with <c>allow</c> or <c>deny</c> and optionally the rule the cell enforces.
/// </summary>
public sealed partial class PermissionMatrix
{
    public const string FileName = "permissions.yaml";

    private PermissionMatrix(string path, IReadOnlyList<string> cast, IReadOnlyList<PermissionRow> rows)
    {
        Path = path;
        Cast = cast;
        Rows = rows;
    }

    public string Path { get; }
    public IReadOnlyList<string> Cast { get; }
    public IReadOnlyList<PermissionRow> Rows { get; }

    public static PermissionMatrix Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ConfigurationException($"permission matrix {path} does not exist");
        }

        var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        Document? document;
        try
        {
            document = deserializer.Deserialize<Document>(File.ReadAllText(path));
        }
        catch (YamlException e)
        {
            throw new ConfigurationException($"{path}:{e.Start.Line}: {e.InnerException?.Message ?? e.Message}");
        }

        if (document is null || document.Cast.Count == 0 || document.Endpoints.Count == 0)
        {
            throw new ConfigurationException($"{path}: needs a cast and at least one endpoint");
        }

        var problems = new List<string>();
        var rows = new List<PermissionRow>();
        foreach (var endpoint in document.Endpoints)
        {
            var where = $"endpoint '{endpoint.Call}'";
            if (string.IsNullOrWhiteSpace(endpoint.Call) || string.IsNullOrWhiteSpace(endpoint.Endpoint) || string.IsNullOrWhiteSpace(endpoint.Rule))
            {
                problems.Add($"{where} needs a call, an endpoint and a rule");
                continue;
            }

            var missing = document.Cast.Except(endpoint.Cells.Keys, StringComparer.Ordinal).ToList();
            var unknown = endpoint.Cells.Keys.Except(document.Cast, StringComparer.Ordinal).ToList();
            if (missing.Count > 0 || unknown.Count > 0)
            {
                problems.Add($"{where} must name every cast member once (missing: {string.Join(", ", missing)}; not in the cast: {string.Join(", ", unknown)})");
                continue;
            }

            var cells = new List<PermissionExpectation>();
            foreach (var role in document.Cast)
            {
                var match = CellPattern().Match(endpoint.Cells[role]);
                if (!match.Success)
                {
                    problems.Add($"{where}, {role}: '{endpoint.Cells[role]}' is not 'allow' or 'deny', optionally followed by a rule id");
                    continue;
                }

                cells.Add(new PermissionExpectation(role, match.Groups["verdict"].Value == "allow", match.Groups["rule"].Success ? match.Groups["rule"].Value : endpoint.Rule));
            }

            rows.Add(new PermissionRow(endpoint.Call, endpoint.Endpoint, endpoint.Rule, cells));
        }

        foreach (var duplicate in rows.GroupBy(r => r.Call).Where(g => g.Count() > 1))
        {
            problems.Add($"call '{duplicate.Key}' appears {duplicate.Count()} times");
        }

        if (problems.Count > 0)
        {
            throw new ConfigurationException($"{path}: " + string.Join("; ", problems));
        }

        return new PermissionMatrix(path, document.Cast, rows);
    }

    [GeneratedRegex(@"^(?<verdict>allow|deny)(\s+(?<rule>[A-Z][A-Z0-9]*(-[A-Z0-9]+)*))?$")]
    private static partial Regex CellPattern();

    private sealed class Document
    {
        public int Version { get; set; }
        public List<string> Cast { get; set; } = [];
        public List<EndpointDocument> Endpoints { get; set; } = [];
    }

    private sealed class EndpointDocument
    {
        public string Call { get; set; } = "";
        public string Endpoint { get; set; } = "";
        public string Rule { get; set; } = "";
        public Dictionary<string, string> Cells { get; set; } = [];
    }
}
