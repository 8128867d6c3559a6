using System.Diagnostics.CodeAnalysis;
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

        return TryRead(File.ReadAllText(path), out var document, out var problem)
            ? document
            : throw new ConfigurationException($"OpenAPI document {path} {problem}");
    }

    /// <summary>
    /// Reads a description from its text (JSON or YAML). <paramref name="problem"/> completes a sentence
    /// about the document ("is empty", "has errors: ...", "describes no paths") when it cannot be used.
    /// </summary>
    public static bool TryRead(string text, [NotNullWhen(true)] out OpenApiDocument? document, [NotNullWhen(false)] out string? problem)
    {
        document = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "is empty";
            return false;
        }

        OpenApiDocument read;
        OpenApiDiagnostic diagnostic;
        try
        {
            read = new OpenApiStringReader().Read(text, out diagnostic);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // An HTML page or a JSON object without "openapi" ends here ("version '...' is not supported");
            // the reader documents none of what it throws on arbitrary text, and a target may answer anything.
            problem = "is not an OpenAPI 3 document: " + Shorten(e.Message);
            return false;
        }

        problem = diagnostic.Errors.Count > 0
            ? "has errors: " + string.Join("; ", diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}"))
            : read.Paths is null || read.Paths.Count == 0 ? "describes no paths"
            : !Operations(read).Any() ? "describes no operations"
            : null;
        document = problem is null ? read : null;
        return problem is null;
    }

    public static IEnumerable<(string Path, OperationType Method, OpenApiOperation Operation)> Operations(OpenApiDocument document) =>
        document.Paths.SelectMany(p => p.Value.Operations.Select(o => (p.Key, o.Key, o.Value)));

    /// <summary>The reader quotes what it found; a whole HTML page does not belong in a one-line reason.</summary>
    private static string Shorten(string message) => message.Length <= 160 ? message : message[..160] + "...";
}
