using AnomaliesConformance.Core.Http;
using Microsoft.OpenApi.Models;

namespace AnomaliesConformance.Core.Specs;

/// <summary>
/// The target's own OpenAPI description (--spec-from-target): fetched through the run's client (so the
/// exchange is recorded and redacted like every other), saved beside the reports as it was answered, and
/// read (JSON or YAML). Anything but a readable description is a setup failure naming the URL and status.
/// </summary>
public sealed record TargetOpenApiDocument(string Url, string SavedAs, OpenApiDocument Document)
{
    public const string DefaultPath = "/api/openapi.json";

    public static async Task<TargetOpenApiDocument> FetchAsync(ApiClient api, Actor actor, string path, string outputDirectory, Redactor redactor)
    {
        ApiResponse response;
        try
        {
            response = await api.GetAsync(actor, path, purpose: ExchangePurpose.Verify);
        }
        catch (TargetErrorException e)
        {
            throw new SetupException($"--spec-from-target: {e.Message.Replace(TargetErrorException.TargetErrorPrefix, "", StringComparison.Ordinal)}", e);
        }

        var url = response.Exchange.Url;
        if (response.Status != 200)
        {
            throw Failure(url, response.Status, response.Status switch
            {
                401 or 403 when actor.Token is null => "the run has no Admin token to send (the target has no provisioning extension)",
                401 or 403 => "the run's Admin token was refused",
                404 => "no OpenAPI description there",
                _ => "expected 200 with the target's OpenAPI description",
            });
        }

        if (response.BodyCut)
        {
            throw Failure(url, 200, $"the description is longer than {ApiClient.MaxBodyChars} characters, which the suite does not read");
        }

        // Kept as answered (redacted), readable or not: the file is what to look at when it is not.
        var savedAs = response.Body.TrimStart().StartsWith('{') ? "target-openapi.json" : "target-openapi.yaml";
        await File.WriteAllTextAsync(Path.Combine(outputDirectory, savedAs), redactor.Redact(response.Body));
        return OpenApiContract.TryRead(response.Body, out var document, out var problem)
            ? new TargetOpenApiDocument(url, savedAs, document)
            : throw Failure(url, 200, $"the answer {problem} (saved as {savedAs})");
    }

    private static SetupException Failure(string url, int status, string reason) =>
        new($"--spec-from-target: GET {url} answered {status}: {reason}");
}
