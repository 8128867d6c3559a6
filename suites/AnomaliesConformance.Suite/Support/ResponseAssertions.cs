using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using NUnit.Framework;

namespace AnomaliesConformance.Suite.Support;

/// <summary>
/// Assertions that print what a reader of the failure needs: the expectation in words, then the request
/// (with role) and the response that contradicted it.
/// </summary>
public static class ResponseAssertions
{
    public static ApiResponse ShouldHaveStatus(this ApiResponse response, int expected, string because)
    {
        if (response.Status != expected)
        {
            FailStatus($"expected HTTP {expected} {because}", response);
        }

        return response;
    }

    /// <summary>
    /// Any 2xx: for steps whose exact success code is another rule's business (204 for DELETE is
    /// ARCHIVE-DELETE-NO-CONTENT's, 201 for a link TICKET-LINK-CREATE's).
    /// </summary>
    public static ApiResponse ShouldSucceed(this ApiResponse response, string because)
    {
        if (response.Status is < 200 or > 299)
        {
            FailStatus($"expected a success (2xx) {because}", response);
        }

        return response;
    }

    /// <summary>
    /// A refusal by the API: any 4xx but a 429 (a proxy's rate limit, not the API's answer: a target error).
    /// Which 4xx is the business of the rule that fixes the code.
    /// </summary>
    public static ApiResponse ShouldBeRefused(this ApiResponse response, string because)
    {
        if (!IsRefusal(response))
        {
            FailStatus($"expected the request to be refused (4xx) {because}", response);
        }

        return response;
    }

    /// <summary>The API refused the request: a 4xx the target answered itself (not a 429).</summary>
    public static bool IsRefusal(ApiResponse response) => response.Status is >= 400 and <= 499 && TargetTrouble.Of(response.Exchange) is null;

    public static ApiResponse ShouldHaveStatusIn(this ApiResponse response, int[] expected, string because)
    {
        if (!expected.Contains(response.Status))
        {
            FailStatus($"expected HTTP {string.Join(" or ", expected)} {because}", response);
        }

        return response;
    }

    /// <summary>Error answers carry a JSON object with a non-empty "detail" (the page's error shape as chosen in specs/).</summary>
    public static ApiResponse ShouldHaveDetail(this ApiResponse response)
    {
        var detail = response.Json is JsonObject o ? o["detail"] : null;
        if (detail is null || (detail is JsonValue v && v.TryGetValue<string>(out var s) && string.IsNullOrWhiteSpace(s)))
        {
            Fail("expected an error body with a non-empty \"detail\"", response);
        }

        return response;
    }

    /// <summary>The answer is not the given anomaly: a refusal (any 4xx), or a success carrying another anomaly or none.</summary>
    public static ApiResponse ShouldNotBe(this ApiResponse response, ProvisionedAnomaly anomaly, string because)
    {
        if (TargetTrouble.Of(response.Exchange) is { } trouble)
        {
            throw new TargetErrorException($"{response.Exchange.Method} {response.Exchange.Url} as {response.Exchange.Actor}: {trouble}; whether anomaly {anomaly.Id} is gone could not be judged", response.Exchange);
        }

        if (response.Status is >= 200 and <= 299 && response.Json is JsonObject found
            && (AnomalyJson.IdOf(found["id"]) == anomaly.Id || string.Equals(found.Uuid(), anomaly.Uuid, StringComparison.OrdinalIgnoreCase)))
        {
            Fail($"expected anomaly {anomaly.Id} to be gone {because}, but the target still answers it", response);
        }

        return response;
    }

    public static void Fail(string expectation, ApiResponse response) =>
        Assert.Fail($"{expectation}.\n{response}");

    /// <summary>
    /// A status other than the expected one. When the target could not serve the request (no answer, a 5xx,
    /// a 429 past the retries) the behaviour was never shown: a target error, even when later requests of the
    /// test were answered (the runner's own check looks only at a test's last exchange).
    /// </summary>
    private static void FailStatus(string expectation, ApiResponse response)
    {
        if (TargetTrouble.Of(response.Exchange) is { } trouble)
        {
            throw new TargetErrorException($"{response.Exchange.Method} {response.Exchange.Url} as {response.Exchange.Actor}: {trouble}; {expectation} could not be judged", response.Exchange);
        }

        Fail($"{expectation}, but the target answered {response.Status}", response);
    }

    /// <summary>
    /// A precondition of the check that another rule owns. When it does not hold, this test cannot judge its
    /// rule and says so (not judged), while the owning rule's own test reports the failure.
    /// </summary>
    /// <param name="evidence">The answers the precondition was read from: one the target could not give (a 429,
    /// a 5xx, no answer) makes the test a target error, not a precondition another rule reports.</param>
    public static void Precondition(bool holds, string what, string ownerRule, params ApiResponse[] evidence)
    {
        if (holds)
        {
            return;
        }

        foreach (var response in evidence)
        {
            if (TargetTrouble.Of(response.Exchange) is { } trouble)
            {
                throw new TargetErrorException($"{response.Exchange.Method} {response.Exchange.Url} as {response.Exchange.Actor}: {trouble}; {what} could not be seen", response.Exchange);
            }
        }

        // Inconclusive, not skipped: a rule its check could not judge is never counted as passed.
        Assert.Inconclusive($"not judged: {what} does not hold ({ownerRule} reports it)");
    }

    public static void FailUnless(bool condition, string expectation, ApiResponse response)
    {
        if (!condition)
        {
            Fail(expectation, response);
        }
    }
}
