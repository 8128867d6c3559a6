using System.Text.Json;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core;
using AnomaliesConformance.Runner.Reporting;

namespace AnomaliesConformance.Runner;

/// <summary>
/// `verify CERT RESULTS`: recomputes the certificate from results.json (or a report folder's) and compares it
/// with CERT field by field. Exit 0 "certificate matches"; 1 when any field differs (the certificate or
/// results.json was edited after the run), naming each; 2 when either file cannot be read as what it should be.
/// </summary>
public static class VerifyCertificate
{
    public static int Run(string certificatePath, string resultsPath, TextWriter console)
    {
        var certificate = Read(certificatePath, Certificate.FileName, "verify CERT");
        var (resultsFile, results) = FinishedRunResults.Read(resultsPath, "verify RESULTS");

        JsonObject expected;
        try
        {
            expected = Certificate.FromResults(results);
        }
        catch (Certificate.IncompleteResultsException e)
        {
            throw new ConfigurationException($"verify RESULTS: {resultsFile} cannot be certified: {e.Message}");
        }

        if (results["certification"]?["no_certificate_because"] is JsonArray { Count: > 0 } because)
        {
            console.WriteLine($"certificate rejected: the run of {resultsFile} was not certified: {string.Join("; ", because.Select(b => b?.ToString()))}");
            return ConformanceRunner.ExitNotConformant;
        }

        var differences = Certificate.Differences(expected, certificate);
        if (differences.Count == 0)
        {
            console.WriteLine($"certificate matches: {certificatePath} is the certificate of {resultsFile} ({expected["badge"]}, target {expected["target"]}, {expected["date"]})");
            foreach (var line in CompareWithOwnSpecs(expected))
            {
                console.WriteLine(line);
            }

            return ConformanceRunner.ExitConformant;
        }

        console.WriteLine($"certificate rejected: {certificatePath} does not match {resultsFile} in {differences.Count} field(s) (one of the two was edited after the run):");
        foreach (var difference in differences)
        {
            console.WriteLine("  " + difference);
        }

        return ConformanceRunner.ExitNotConformant;
    }

    /// <summary>
    /// Information, never the exit code: whether the run was judged by the same specs as this copy of the suite
    /// (a certificate of another suite version legitimately differs; a vendor's edited rules.yaml shows here).
    /// </summary>
    private static IEnumerable<string> CompareWithOwnSpecs(JsonObject certificate)
    {
        string specs;
        try
        {
            specs = Path.Combine(Core.Checks.RepositoryLayout.Root(), "specs");
        }
        catch (SetupException)
        {
            yield break;
        }

        foreach (var key in new[] { "openapi", "rules" })
        {
            var file = certificate["specs"]?[key]?["file"]?.ToString() ?? "";
            var own = Path.Combine(specs, file);
            if (file.Length == 0 || !File.Exists(own))
            {
                yield return $"  {key}: {file} is not a file of this suite's specs/, so it cannot be compared";
                continue;
            }

            yield return HashedFile.Of(own).Sha256 == certificate["specs"]?[key]?["sha256"]?.ToString()
                ? $"  {key}: the same {file} as this suite's specs/"
                : $"  {key}: {file} differs from this suite's specs/{file}: the run was judged by other {(key == "rules" ? "rules" : "contract")} (another suite version, or an edited file)";
        }
    }

    private static JsonObject Read(string file, string what, string argument)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(file)) as JsonObject
                ?? throw new ConfigurationException($"{argument}: {file} is not a {what}: it is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new ConfigurationException($"{argument}: {file} is not a {what}: it is not JSON ({e.Message})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{argument}: {file} cannot be read ({e.Message})");
        }
    }
}
