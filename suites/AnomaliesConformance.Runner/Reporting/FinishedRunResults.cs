using System.Text.Json;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core;

namespace AnomaliesConformance.Runner.Reporting;

/// <summary>
/// A finished run's results.json as another command reads it (--baseline, compare, verify, merge): the file
/// itself or the one in a report folder, JSON of this suite's results schema. Anything else is a usage error
/// naming the argument, never a crash.
/// </summary>
public static class FinishedRunResults
{
    public const string FileName = "results.json";

    /// <summary>The results file a path names (a report folder's, or the file itself) and its document.</summary>
    /// <param name="argument">The option or argument the path came from, named in errors.</param>
    public static (string File, JsonObject Results) Read(string path, string argument)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, FileName) : path;
        if (!File.Exists(file))
        {
            throw new ConfigurationException($"{argument}: {file} does not exist (give a run's results.json or its report folder)");
        }

        JsonNode? document;
        try
        {
            document = JsonNode.Parse(File.ReadAllText(file));
        }
        catch (JsonException e)
        {
            throw new ConfigurationException($"{argument}: {file} is not a results.json: it is not JSON ({e.Message})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{argument}: {file} cannot be read ({e.Message})");
        }

        if (document is not JsonObject results || results["schema"] is not JsonValue schema || schema.ToString() != ResultsJsonWriter.SchemaId)
        {
            throw new ConfigurationException($"{argument}: {file} is not a results.json of this suite: its \"schema\" is not \"{ResultsJsonWriter.SchemaId}\"");
        }

        return (file, results);
    }
}
