using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core.Http;

namespace AnomaliesConformance.Runner.Reporting;

/// <summary>A specs file the run used, by name and SHA-256 of its bytes.</summary>
public sealed record HashedFile(string File, string Sha256)
{
    public static HashedFile Of(string path) =>
        new(Path.GetFileName(path), Convert.ToHexStringLower(SHA256.HashData(System.IO.File.ReadAllBytes(path))));
}

/// <summary>
/// What a run records in results.json (its <c>certification</c> object) so that the certificate is a function of
/// results.json alone: the suite's version and commit, the specs it used, the target as a certificate names it,
/// and why the run is not certified (empty when it is).
/// </summary>
public sealed record CertificationBasis(
    string SuiteVersion,
    string SuiteCommit,
    HashedFile OpenApi,
    HashedFile Rules,
    string Target,
    IReadOnlyList<string> NoCertificateBecause)
{
    public bool Certified => NoCertificateBecause.Count == 0;

    public string Explanation => "No certificate: " + string.Join("; ", NoCertificateBecause);

    public const string EmbeddedTarget = "embedded reference server";

    /// <summary>
    /// A certificate vouches for a complete judgement of an unmodified target: any filter, fault, read-only or
    /// measuring mode, and any rule left unjudged (an observation is judged by declaration only, so it does not
    /// count as left out), means the run says nothing about the whole page.
    /// </summary>
    public static CertificationBasis Decide(RunReport report, RunSettings settings, string contractPath)
    {
        var because = new List<string>();
        if (settings.RuleFilter.Count > 0)
        {
            because.Add("the run was filtered by --rule");
        }

        if (settings.TestFilter.Count > 0)
        {
            because.Add("the run was filtered by --test");
        }

        if (settings.ReadOnly)
        {
            because.Add("the run was --read-only (the checks that write did not run)");
        }

        if (settings.FaultMatrix)
        {
            because.Add("the run was a --fault-matrix run");
        }
        else if (settings.ReferenceFaults.Count > 0)
        {
            because.Add($"the reference server ran with --reference-fault {string.Join(",", settings.ReferenceFaults)}");
        }

        if (settings.Bench)
        {
            because.Add("the run was a --bench measurement");
        }

        if (report.UnknownRuleIds.Count > 0)
        {
            because.Add("tests name rules missing from rules.yaml");
        }

        if (report.Canary?.Unchanged == false)
        {
            because.Add("the profile's canary anomaly changed during the run");
        }

        var unjudged = report.Rules
            .Where(r => r.Verdict == Verdicts.Inconclusive || (r.Verdict == Verdicts.Skipped && !r.Rule.Observation))
            .Select(r => r.Rule.Id)
            .ToList();
        // A filter or --read-only leaves rules out by design: they are said once, not listed as unjudged too.
        var leftOutByDesign = settings.RuleFilter.Count > 0 || settings.TestFilter.Count > 0 || settings.ReadOnly;
        if (unjudged.Count > 0 && !leftOutByDesign)
        {
            because.Add($"{unjudged.Count} rule(s) were not judged (inconclusive or not run: {Few(unjudged)})");
        }

        var (version, commit) = SuiteIdentity();
        var target = settings.TargetUrl is null && settings.Image is null ? EmbeddedTarget
            : settings.Image is not null && settings.TargetUrl is null ? $"container image {settings.Image}"
            : WithoutCredentials(report.Target);
        return new CertificationBasis(version, commit, HashedFile.Of(contractPath), HashedFile.Of(settings.RulesPath), target, because);
    }

    /// <summary>The target URL without user info, query or fragment: those are where credentials hide in a URL.</summary>
    public static string WithoutCredentials(string target) =>
        Uri.TryCreate(target, UriKind.Absolute, out var url)
            ? new UriBuilder(url) { UserName = "", Password = "", Query = "", Fragment = "" }.Uri.ToString()
            : target;

    /// <summary>
    /// The suite's version and commit as the build embedded them (the SDK appends the commit to the informational
    /// version); a build without it asks git, and says "unknown" rather than fail.
    /// </summary>
    public static (string Version, string Commit) SuiteIdentity()
    {
        var informational = typeof(CertificationBasis).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? (informational, GitHead() ?? "unknown") : (informational[..plus], informational[(plus + 1)..]);
    }

    private static string? GitHead()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse HEAD")
            {
                WorkingDirectory = AppContext.BaseDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            var head = git?.StandardOutput.ReadToEnd().Trim();
            git?.WaitForExit(5000);
            return git is { HasExited: true, ExitCode: 0 } && head is { Length: 40 } ? head : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }

    private static string Few(IReadOnlyList<string> ids) =>
        ids.Count > 5 ? string.Join(", ", ids.Take(5)) + $" and {ids.Count - 5} more" : string.Join(", ", ids);

    /// <summary>results.json's <c>certification</c> object.</summary>
    public JsonObject ToJson() => new()
    {
        ["suite_version"] = SuiteVersion,
        ["suite_commit"] = SuiteCommit,
        ["openapi"] = new JsonObject { ["file"] = OpenApi.File, ["sha256"] = OpenApi.Sha256 },
        ["rules"] = new JsonObject { ["file"] = Rules.File, ["sha256"] = Rules.Sha256 },
        ["target"] = Target,
        ["certified"] = Certified,
        ["no_certificate_because"] = new JsonArray([.. NoCertificateBecause.Select(b => (JsonNode?)b)]),
    };
}

/// <summary>
/// certificate.json (schema: specs/certificate.schema.json): a pure function of results.json, so <c>verify</c>
/// recomputes it from results.json and any edit of either file shows as a differing field.
/// </summary>
public static class Certificate
{
    public const string SchemaId = "anomalies-conformance/certificate/v1";
    public const string FileName = "certificate.json";
    public const string BadgeFileName = "badge.svg";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Thrown when results.json lacks what a certificate is made from: the caller says which file.</summary>
    public sealed class IncompleteResultsException(string message) : Exception(message);

    /// <summary>The certificate of a run from its results.json, or an <see cref="IncompleteResultsException"/>.</summary>
    public static JsonObject FromResults(JsonObject results)
    {
        if (results["certification"] is not JsonObject basis)
        {
            throw new IncompleteResultsException("it has no \"certification\" object (written by a suite without certificates)");
        }

        if (results["rules"] is not JsonArray rules)
        {
            throw new IncompleteResultsException("it has no \"rules\" list");
        }

        var counts = new JsonObject();
        foreach (var level in new[] { "MUST", "SHOULD" })
        {
            var verdicts = rules.Where(r => Text(r?["level"]) == level).Select(r => Text(r?["verdict"])).ToList();
            counts[level] = new JsonObject
            {
                ["rules"] = verdicts.Count,
                ["passed"] = verdicts.Count(v => v == Verdicts.Passed),
                ["failed"] = verdicts.Count(v => v == Verdicts.Failed),
                ["inconclusive"] = verdicts.Count(v => v == Verdicts.Inconclusive),
                ["waived"] = verdicts.Count(v => v == Verdicts.Waived),
                // Observation rules (disputed behaviours) are observed, not judged, unless --expect declares them.
                ["observed"] = verdicts.Count(v => v == Verdicts.Skipped),
            };
        }

        var must = counts["MUST"]!;
        var badge = Badge.Text(must["passed"]!.GetValue<int>(), must["rules"]!.GetValue<int>() - must["observed"]!.GetValue<int>());
        return new JsonObject
        {
            ["schema"] = SchemaId,
            ["suite"] = new JsonObject { ["version"] = basis["suite_version"]?.DeepClone(), ["commit"] = basis["suite_commit"]?.DeepClone() },
            ["specs"] = new JsonObject { ["openapi"] = basis["openapi"]?.DeepClone(), ["rules"] = basis["rules"]?.DeepClone() },
            ["spec_version"] = results["spec_version"]?.DeepClone(),
            ["target"] = basis["target"]?.DeepClone(),
            ["date"] = results["started"]?.DeepClone(),
            ["seed"] = results["seed"]?.DeepClone(),
            ["conformant"] = results["conformant"]?.DeepClone(),
            ["counts"] = counts,
            ["waivers"] = new JsonArray([.. (results["waivers"] as JsonArray ?? [])
                .Where(w => Text(w?["state"]) == WaiverStates.Applied)
                .Select(w => (JsonNode?)new JsonObject
                {
                    ["id"] = w!["id"]?.DeepClone(),
                    ["rule"] = w["rule"]?.DeepClone(),
                    ["reason"] = w["reason"]?.DeepClone(),
                    ["owner"] = w["owner"]?.DeepClone(),
                    ["expires"] = w["expires"]?.DeepClone(),
                })]),
            ["badge"] = badge,
            ["results_sha256"] = ResultsSha256(results),
        };
    }

    /// <summary>
    /// SHA-256 of the verdicts in results.json, in a canonical form: what was checked (target, start, seed,
    /// spec version, faults, the certification record) and every rule's and test's verdict, rules and tests
    /// sorted by id, object keys sorted, serialised compactly. The bytes of results.json are not hashed because
    /// they change when a tool re-serialises it (indentation, key order, escaping) while the verdicts do not;
    /// the canonical form changes exactly when a verdict, or what it was reached on, does.
    /// </summary>
    public static string ResultsSha256(JsonObject results)
    {
        var canonical = new JsonObject
        {
            ["schema"] = results["schema"]?.DeepClone(),
            ["target"] = results["target"]?.DeepClone(),
            ["started"] = results["started"]?.DeepClone(),
            ["seed"] = results["seed"]?.DeepClone(),
            ["spec_version"] = results["spec_version"]?.DeepClone(),
            ["reference_faults"] = results["reference_faults"]?.DeepClone(),
            ["conformant"] = results["conformant"]?.DeepClone(),
            ["certification"] = results["certification"]?.DeepClone(),
            ["rules"] = new JsonArray([.. (results["rules"] as JsonArray ?? [])
                .OrderBy(r => Text(r?["id"]), StringComparer.Ordinal)
                .Select(r => (JsonNode?)new JsonObject
                {
                    ["id"] = r?["id"]?.DeepClone(),
                    ["level"] = r?["level"]?.DeepClone(),
                    ["verdict"] = r?["verdict"]?.DeepClone(),
                    ["waived_by"] = r?["waived_by"]?.DeepClone(),
                })]),
            ["tests"] = new JsonArray([.. (results["tests"] as JsonArray ?? [])
                .OrderBy(t => Text(t?["id"]), StringComparer.Ordinal)
                .Select(t => (JsonNode?)new JsonObject
                {
                    ["id"] = t?["id"]?.DeepClone(),
                    ["rules"] = t?["rules"]?.DeepClone(),
                    ["verdict"] = t?["verdict"]?.DeepClone(),
                })]),
        };
        var text = Sorted(canonical)!.ToJsonString(Compact);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>A copy with every object's keys in ordinal order.</summary>
    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Sorted)]),
        null => null,
        _ => node.DeepClone(),
    };

    public static string Render(JsonObject certificate) => certificate.ToJsonString(Indented);

    /// <summary>
    /// After the reports are written: a certified run gets certificate.json and badge.svg, made from the
    /// results.json just written; any other run says why it has none.
    /// </summary>
    public static void WriteOrExplain(CertificationBasis? basis, string directory, Redactor redactor, TextWriter console)
    {
        if (basis is null)
        {
            return;
        }

        if (!basis.Certified)
        {
            console.WriteLine(basis.Explanation);
            return;
        }

        var results = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "results.json")))!;
        var certificate = FromResults(results);
        File.WriteAllText(Path.Combine(directory, FileName), redactor.Redact(Render(certificate)));
        var must = certificate["counts"]!["MUST"]!;
        File.WriteAllText(Path.Combine(directory, BadgeFileName), Badge.Svg(must["passed"]!.GetValue<int>(), must["rules"]!.GetValue<int>() - must["observed"]!.GetValue<int>()));
        console.WriteLine($"Certificate: {FileName} and {BadgeFileName} ({certificate["badge"]}); check it with: verify {FileName} results.json");
    }

    /// <summary>Every leaf of two JSON documents that differs, by path: what <c>verify</c> names.</summary>
    public static IReadOnlyList<string> Differences(JsonNode? expected, JsonNode? actual, string path = "")
    {
        var differences = new List<string>();
        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                foreach (var key in e.Select(p => p.Key).Union(a.Select(p => p.Key)).Order(StringComparer.Ordinal))
                {
                    var child = path.Length == 0 ? key : $"{path}.{key}";
                    if (!a.ContainsKey(key))
                    {
                        differences.Add($"{child}: missing from the certificate (results.json says {Show(e[key])})");
                    }
                    else if (!e.ContainsKey(key))
                    {
                        differences.Add($"{child}: not part of a certificate (it says {Show(a[key])})");
                    }
                    else
                    {
                        differences.AddRange(Differences(e[key], a[key], child));
                    }
                }

                break;
            case (JsonArray e, JsonArray a) when e.Count == a.Count:
                for (var i = 0; i < e.Count; i++)
                {
                    differences.AddRange(Differences(e[i], a[i], $"{path}[{i}]"));
                }

                break;
            default:
                if (!JsonNode.DeepEquals(expected, actual))
                {
                    differences.Add($"{(path.Length == 0 ? "(document)" : path)}: the certificate says {Show(actual)}, results.json gives {Show(expected)}");
                }

                break;
        }

        return differences;
    }

    private static string Show(JsonNode? node) => node is null ? "null" : node.ToJsonString(Compact) is var text && text.Length > 120 ? text[..117] + "..." : node.ToJsonString(Compact);

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}

/// <summary>
/// The badge: "conformance | pass" in green when every judged MUST rule passed, else the MUST pass rate, amber
/// from 90% and red below. A waived MUST rule is not a pass. Self-contained SVG: no fonts, images or links fetched.
/// </summary>
public static class Badge
{
    public const string Label = "conformance";

    public static string Value(int mustPassed, int mustJudged) =>
        mustJudged > 0 && mustPassed == mustJudged ? "pass" : $"MUST {Percent(mustPassed, mustJudged).ToString(CultureInfo.InvariantCulture)}%";

    public static string Text(int mustPassed, int mustJudged) => $"{Label} | {Value(mustPassed, mustJudged)}";

    public static string Colour(int mustPassed, int mustJudged) =>
        mustJudged > 0 && mustPassed == mustJudged ? "#2e7d32" : Percent(mustPassed, mustJudged) >= 90 ? "#b26a00" : "#c62828";

    /// <summary>Rounded down, so one failing rule in 300 never reads as 100%.</summary>
    private static int Percent(int passed, int judged) => judged == 0 ? 0 : passed * 100 / judged;

    public static string Svg(int mustPassed, int mustJudged)
    {
        var value = Value(mustPassed, mustJudged);
        // About 7 px per character of 11 px Verdana, plus padding: close enough without measuring a font.
        var labelWidth = (Label.Length * 7) + 10;
        var valueWidth = (value.Length * 7) + 10;
        var width = labelWidth + valueWidth;
        var colour = Colour(mustPassed, mustJudged);
        var text = System.Security.SecurityElement.Escape(Text(mustPassed, mustJudged));
        var inv = CultureInfo.InvariantCulture;
        return string.Create(inv, $"""
            <svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" aria-label="{text}">
              <title>{text}</title>
              <rect width="{labelWidth}" height="20" fill="#555"/>
              <rect x="{labelWidth}" width="{valueWidth}" height="20" fill="{colour}"/>
              <g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">
                <text x="{labelWidth / 2.0}" y="14">{Label}</text>
                <text x="{labelWidth + (valueWidth / 2.0)}" y="14">{System.Security.SecurityElement.Escape(value)}</text>
              </g>
            </svg>

            """);
    }
}
