using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AnomaliesConformance.Core.Http;
using Microsoft.OpenApi.Any;
using Microsoft.OpenApi.Models;
using YamlDotNet.RepresentationModel;

namespace AnomaliesConformance.Core.Specs;

/// <summary>One thing of the document a run may exercise, where it is written, and how many exchanges did.</summary>
public sealed record CoverageItem(string Kind, string Operation, string Name, int Line, int Hits);

/// <summary>
/// Which operations, parameters, enum values and response codes of the OpenAPI document the run's
/// exchanges exercised. Written as spec-coverage.json and as Cobertura XML whose "source file" is the
/// document itself, so a coverage viewer (ReportGenerator) shows the unexercised lines in red.
/// </summary>
public sealed class SpecCoverage
{
    private SpecCoverage(string documentPath, IReadOnlyList<CoverageItem> items, int matched, int unmatched)
    {
        DocumentPath = documentPath;
        Items = items;
        MatchedExchanges = matched;
        UnmatchedExchanges = unmatched;
    }

    public string DocumentPath { get; }
    public IReadOnlyList<CoverageItem> Items { get; }
    public int MatchedExchanges { get; }
    public int UnmatchedExchanges { get; }

    public static SpecCoverage Measure(string documentPath, OpenApiDocument document, IEnumerable<Exchange> exchanges, Uri target)
    {
        var lines = new DocumentLines(documentPath);
        var operations = OpenApiContract.Operations(document)
            .Select(o => new Operation(o.Path, o.Method, o.Operation, document.Paths[o.Path]))
            .ToList();
        var enums = new EnumRegistry(document, lines);
        var hits = new Dictionary<(string Kind, string Operation, string Name), int>();
        void Hit(string kind, string operation, string name) => hits[(kind, operation, name)] = hits.GetValueOrDefault((kind, operation, name)) + 1;

        int matched = 0, unmatched = 0;
        var basePath = target.AbsolutePath.TrimEnd('/');
        foreach (var exchange in exchanges.Where(e => e.Purpose != ExchangePurpose.Provision && e.Status > 0))
        {
            var url = new Uri(exchange.Url);
            var path = url.AbsolutePath.StartsWith(basePath, StringComparison.Ordinal) ? url.AbsolutePath[basePath.Length..] : url.AbsolutePath;
            var operation = operations.FirstOrDefault(o => o.Matches(exchange.Method, path));
            if (operation is null)
            {
                unmatched++;
                continue;
            }

            matched++;
            var query = QueryPairs(url.Query);
            Hit("operation", operation.Id, operation.Id);
            Hit("response", operation.Id, exchange.Status.ToString(CultureInfo.InvariantCulture));
            foreach (var parameter in operation.Parameters)
            {
                var values = query.Where(q => q.Key == parameter.Name).Select(q => q.Value).ToList();
                if (parameter.In == ParameterLocation.Path || values.Count > 0)
                {
                    Hit("parameter", operation.Id, parameter.Name);
                }

                foreach (var value in values)
                {
                    enums.Record(parameter.Schema, JsonValue.Create(value), Hit);
                }
            }

            if (operation.Body is { } body && Parse(exchange.RequestBody) is { } requestJson)
            {
                enums.Walk(body, requestJson, Hit);
            }

            if (operation.ResponseSchema(exchange.Status) is { } schema && Parse(exchange.ResponseBody) is { } responseJson)
            {
                enums.Walk(schema, responseJson, Hit);
            }
        }

        var items = new List<CoverageItem>();
        foreach (var operation in operations)
        {
            items.Add(new("operation", operation.Id, operation.Id, lines.Operation(operation.Path, operation.Method), hits.GetValueOrDefault(("operation", operation.Id, operation.Id))));
            foreach (var parameter in operation.Parameters)
            {
                items.Add(new("parameter", operation.Id, parameter.Name, lines.Parameter(operation.Path, operation.Method, parameter, document), hits.GetValueOrDefault(("parameter", operation.Id, parameter.Name))));
            }

            foreach (var status in operation.Responses)
            {
                items.Add(new("response", operation.Id, status, lines.Response(operation.Path, operation.Method, status), hits.GetValueOrDefault(("response", operation.Id, status))));
            }
        }

        foreach (var (owner, value, line) in enums.Values)
        {
            items.Add(new("enum", owner, value, line, hits.GetValueOrDefault(("enum", owner, value))));
        }

        return new SpecCoverage(documentPath, items, matched, unmatched);
    }

    public string Summary() => string.Join(", ", new[] { "operation", "parameter", "enum", "response" }.Select(kind =>
    {
        var of = Items.Where(i => i.Kind == kind).ToList();
        return $"{of.Count(i => i.Hits > 0)}/{of.Count} {(kind == "enum" ? "enum values" : kind + "s")}";
    }));

    public void WriteJson(string path)
    {
        JsonObject Count(string kind) => new()
        {
            ["covered"] = Items.Count(i => i.Kind == kind && i.Hits > 0),
            ["total"] = Items.Count(i => i.Kind == kind),
        };
        JsonArray Of(string kind, string operation) => new(Items.Where(i => i.Kind == kind && i.Operation == operation)
            .Select(i => (JsonNode?)new JsonObject { [kind == "response" ? "status" : "name"] = i.Name, ["line"] = i.Line, ["hits"] = i.Hits }).ToArray());

        var document = new JsonObject
        {
            ["document"] = DocumentPath,
            ["exchanges"] = MatchedExchanges,
            ["unmatched_exchanges"] = UnmatchedExchanges,
            ["summary"] = new JsonObject
            {
                ["operations"] = Count("operation"),
                ["parameters"] = Count("parameter"),
                ["enum_values"] = Count("enum"),
                ["responses"] = Count("response"),
            },
            ["operations"] = new JsonArray(Items.Where(i => i.Kind == "operation").Select(o => (JsonNode?)new JsonObject
            {
                ["operation_id"] = o.Name,
                ["line"] = o.Line,
                ["hits"] = o.Hits,
                ["parameters"] = Of("parameter", o.Operation),
                ["responses"] = Of("response", o.Operation),
            }).ToArray()),
            ["enums"] = new JsonArray(Items.Where(i => i.Kind == "enum").GroupBy(i => i.Operation).Select(g => (JsonNode?)new JsonObject
            {
                ["schema"] = g.Key,
                ["values"] = new JsonArray(g.Select(i => (JsonNode?)new JsonObject { ["value"] = i.Name, ["line"] = i.Line, ["hits"] = i.Hits }).ToArray()),
            }).ToArray()),
        };
        File.WriteAllText(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Cobertura XML: one "class" whose source is the document; several items on one line become branches.</summary>
    public void WriteCobertura(string path)
    {
        var full = Path.GetFullPath(DocumentPath);
        var lines = Items.Where(i => i.Line > 0).GroupBy(i => i.Line).OrderBy(g => g.Key).Select(g =>
        {
            var line = new XElement("line", new XAttribute("number", g.Key), new XAttribute("hits", g.Sum(i => i.Hits)));
            var count = g.Count();
            var covered = g.Count(i => i.Hits > 0);
            line.Add(new XAttribute("branch", count > 1 ? "true" : "false"));
            if (count > 1)
            {
                line.Add(new XAttribute("condition-coverage", $"{covered * 100 / count}% ({covered}/{count})"));
            }

            return (Element: line, Count: count, Covered: covered, Hit: g.Any(i => i.Hits > 0));
        }).ToList();
        var lineRate = Rate(lines.Count(l => l.Hit), lines.Count);
        var branches = lines.Where(l => l.Count > 1).ToList();
        var branchRate = Rate(branches.Sum(b => b.Covered), branches.Sum(b => b.Count));
        var name = Path.GetFileName(full);
        var coverage = new XElement("coverage",
            new XAttribute("line-rate", lineRate),
            new XAttribute("branch-rate", branchRate),
            new XAttribute("lines-covered", lines.Count(l => l.Hit)),
            new XAttribute("lines-valid", lines.Count),
            new XAttribute("branches-covered", branches.Sum(b => b.Covered)),
            new XAttribute("branches-valid", branches.Sum(b => b.Count)),
            new XAttribute("complexity", 0),
            new XAttribute("version", "1"),
            new XAttribute("timestamp", DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
            new XElement("sources", new XElement("source", Path.GetDirectoryName(full))),
            new XElement("packages", new XElement("package",
                new XAttribute("name", "OpenAPI " + name),
                new XAttribute("line-rate", lineRate),
                new XAttribute("branch-rate", branchRate),
                new XAttribute("complexity", 0),
                new XElement("classes", new XElement("class",
                    new XAttribute("name", name),
                    new XAttribute("filename", name),
                    new XAttribute("line-rate", lineRate),
                    new XAttribute("branch-rate", branchRate),
                    new XAttribute("complexity", 0),
                    new XElement("methods"),
                    new XElement("lines", lines.Select(l => l.Element)))))));
        new XDocument(new XDeclaration("1.0", "utf-8", null), coverage).Save(path);
    }

    private static string Rate(int part, int whole) =>
        (whole == 0 ? 1.0 : (double)part / whole).ToString("0.####", CultureInfo.InvariantCulture);

    private static JsonNode? Parse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static List<KeyValuePair<string, string>> QueryPairs(string query) => query.TrimStart('?')
        .Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(pair => pair.Split('=', 2))
        .Select(p => KeyValuePair.Create(Unescape(p[0]), p.Length > 1 ? Unescape(p[1]) : ""))
        .ToList();

    private static string Unescape(string text)
    {
        try
        {
            return Uri.UnescapeDataString(text.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return text;
        }
    }

    private sealed class Operation
    {
        private readonly Regex pattern;

        public Operation(string path, OperationType method, OpenApiOperation operation, OpenApiPathItem item)
        {
            Path = path;
            Method = method;
            Id = operation.OperationId ?? $"{method} {path}";
            Parameters = operation.Parameters.Concat(item.Parameters).DistinctBy(p => (p.Name, p.In)).ToList();
            Responses = operation.Responses.Keys.ToList();
            Body = operation.RequestBody?.Content.TryGetValue("application/json", out var body) == true ? body.Schema : null;
            ResponseSchemas = operation.Responses.ToDictionary(
                r => r.Key,
                r => r.Value.Content.TryGetValue("application/json", out var media) ? media.Schema : null);
            pattern = new Regex("^" + Regex.Replace(Regex.Escape(path), @"\\\{[^/]+?\}", "[^/]+") + "/?$");
        }

        public string Path { get; }
        public OperationType Method { get; }
        public string Id { get; }
        public IReadOnlyList<OpenApiParameter> Parameters { get; }
        public IReadOnlyList<string> Responses { get; }
        public OpenApiSchema? Body { get; }
        private Dictionary<string, OpenApiSchema?> ResponseSchemas { get; }

        public bool Matches(string method, string path) =>
            method.Equals(Method.ToString(), StringComparison.OrdinalIgnoreCase) && pattern.IsMatch(path);

        public OpenApiSchema? ResponseSchema(int status) =>
            ResponseSchemas.GetValueOrDefault(status.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Every enum of the document (component schemas and inline parameter schemas), keyed by schema instance.</summary>
    private sealed class EnumRegistry
    {
        private readonly Dictionary<OpenApiSchema, string> owners = new(ReferenceEqualityComparer.Instance);

        public EnumRegistry(OpenApiDocument document, DocumentLines lines)
        {
            foreach (var (name, schema) in document.Components?.Schemas ?? new Dictionary<string, OpenApiSchema>())
            {
                Register(schema, name, i => lines.ComponentEnum(name, i));
            }

            foreach (var (path, method, operation) in OpenApiContract.Operations(document))
            {
                foreach (var parameter in operation.Parameters.Concat(document.Paths[path].Parameters).Where(p => p.Reference is null))
                {
                    var schema = parameter.Schema?.Type == "array" ? parameter.Schema.Items : parameter.Schema;
                    if (schema is { Reference: null, Enum.Count: > 0 })
                    {
                        Register(schema, $"{operation.OperationId}.{parameter.Name}", i => lines.ParameterEnum(path, method, parameter.Name, i));
                    }
                }
            }
        }

        public List<(string Owner, string Value, int Line)> Values { get; } = [];

        public void Record(OpenApiSchema? schema, JsonNode? value, Action<string, string, string> hit)
        {
            var target = schema?.Type == "array" ? schema.Items : schema;
            if (target is not null && owners.TryGetValue(target, out var owner) && value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                hit("enum", owner, v.GetValue<string>());
            }
        }

        /// <summary>Follows a JSON body down its schema and records every enum value met.</summary>
        public void Walk(OpenApiSchema schema, JsonNode? node, Action<string, string, string> hit, int depth = 0)
        {
            if (depth > 32 || node is null)
            {
                return;
            }

            Record(schema, node, hit);
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, value) in o)
                    {
                        if (schema.Properties.TryGetValue(key, out var property))
                        {
                            Walk(property, value, hit, depth + 1);
                        }
                    }

                    break;
                case JsonArray a when schema.Items is not null:
                    foreach (var item in a)
                    {
                        Walk(schema.Items, item, hit, depth + 1);
                    }

                    break;
            }

            foreach (var alternative in schema.OneOf.Concat(schema.AllOf).Concat(schema.AnyOf))
            {
                Walk(alternative, node, hit, depth + 1);
            }
        }

        private void Register(OpenApiSchema schema, string owner, Func<int, int> line)
        {
            if (schema.Enum.Count == 0 || !owners.TryAdd(schema, owner))
            {
                return;
            }

            for (var i = 0; i < schema.Enum.Count; i++)
            {
                if (schema.Enum[i] is OpenApiString s)
                {
                    Values.Add((owner, s.Value, line(i)));
                }
            }
        }
    }

    /// <summary>Line numbers (1-based) of the document's nodes, read with YamlDotNet (JSON is YAML too).</summary>
    private sealed class DocumentLines
    {
        private readonly YamlMappingNode root;

        public DocumentLines(string path)
        {
            using var reader = new StreamReader(path);
            var stream = new YamlStream();
            stream.Load(reader);
            root = (YamlMappingNode)stream.Documents[0].RootNode;
        }

        public int Operation(string path, OperationType method) => KeyLine(Node("paths", path), method.ToString().ToLowerInvariant());

        public int Response(string path, OperationType method, string status) => KeyLine(Node("paths", path, method.ToString().ToLowerInvariant(), "responses"), status);

        /// <summary>The parameter's entry in the operation's (or else the path's) parameters list, $ref entries included.</summary>
        public int Parameter(string path, OperationType method, OpenApiParameter parameter, OpenApiDocument document)
        {
            foreach (var list in new[] { Node("paths", path, method.ToString().ToLowerInvariant(), "parameters"), Node("paths", path, "parameters") })
            {
                foreach (var entry in (list as YamlSequenceNode)?.Children ?? [])
                {
                    var name = Scalar(entry, "name") ?? (Scalar(entry, "$ref") is { } reference
                        ? (document.Components.Parameters.TryGetValue(reference.Split('/')[^1], out var referenced) ? referenced.Name : null)
                        : null);
                    if (name == parameter.Name)
                    {
                        return (int)entry.Start.Line;
                    }
                }
            }

            return 0;
        }

        public int ComponentEnum(string schema, int index) => Item(Node("components", "schemas", schema, "enum"), index);

        public int ParameterEnum(string path, OperationType method, string name, int index)
        {
            var entry = ((Node("paths", path, method.ToString().ToLowerInvariant(), "parameters") as YamlSequenceNode)?.Children ?? [])
                .FirstOrDefault(e => Scalar(e, "name") == name);
            var schema = entry is null ? null : Child(entry, "schema");
            return Item(Child(schema, "enum") ?? Child(Child(schema, "items"), "enum"), index);
        }

        private static int Item(YamlNode? sequence, int index) =>
            sequence is YamlSequenceNode s && index < s.Children.Count ? (int)s.Children[index].Start.Line : 0;

        private YamlNode? Node(params string[] keys) => keys.Aggregate((YamlNode?)root, Child);

        private static YamlNode? Child(YamlNode? node, string key) =>
            node is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

        private static string? Scalar(YamlNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

        private static int KeyLine(YamlNode? mapping, string key) =>
            mapping is YamlMappingNode m && m.Children.Keys.FirstOrDefault(k => (k as YamlScalarNode)?.Value == key) is { } found ? (int)found.Start.Line : 0;
    }
}
