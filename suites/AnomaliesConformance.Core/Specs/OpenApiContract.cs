using Microsoft.OpenApi.Models;
using Microsoft.OpenApi.Readers;

namespace AnomaliesConformance.Core.Specs;

/// <summary>Loads an OpenAPI description (YAML or JSON) with Microsoft.OpenApi.Readers; any reader error is a configuration error.</summary>
public static class OpenApiContract
{
    public static OpenApiDocument Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ConfigurationException($"OpenAPI document {path} does not exist");
        }

        using var stream = File.OpenRead(path);
        if (stream.Length == 0)
        {
            throw new ConfigurationException($"OpenAPI document {path} is empty");
        }

        var document = new OpenApiStreamReader().Read(stream, out var diagnostic);
        if (diagnostic.Errors.Count > 0)
        {
            throw new ConfigurationException(
                $"OpenAPI document {path} has errors: " + string.Join("; ", diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}")));
        }

        if (document.Paths is null || document.Paths.Count == 0)
        {
            throw new ConfigurationException($"OpenAPI document {path} describes no paths");
        }

        if (!Operations(document).Any())
        {
            throw new ConfigurationException($"OpenAPI document {path} describes no operations");
        }

        return document;
    }

    public static IEnumerable<(string Path, OperationType Method, OpenApiOperation Operation)> Operations(OpenApiDocument document) =>
        document.Paths.SelectMany(p => p.Value.Operations.Select(o => (p.Key, o.Key, o.Value)));
}
