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
            Fail($"expected HTTP {expected} {because}, but the target answered {response.Status}", response);
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
            Fail($"expected a success (2xx) {because}, but the target answered {response.Status}", response);
        }

        return response;
    }

    /// <summary>A refusal: any 4xx. Which 4xx is the business of the rule that fixes the code.</summary>
    public static ApiResponse ShouldBeRefused(this ApiResponse response, string because)
    {
        if (response.Status is < 400 or > 499)
        {
            Fail($"expected the request to be refused (4xx) {because}, but the target answered {response.Status}", response);
        }

        return response;
    }

    public static ApiResponse ShouldHaveStatusIn(this ApiResponse response, int[] expected, string because)
    {
        if (!expected.Contains(response.Status))
        {
            Fail($"expected HTTP {string.Join(" or ", expected)} {because}, but the target answered {response.Status}", response);
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

    /// <summary>The answer is not the given anomaly: any non-200, or a 200 carrying another anomaly.</summary>
    public static ApiResponse ShouldNotBe(this ApiResponse response, ProvisionedAnomaly anomaly, string because)
    {
        if (response.Status == 200 && response.Json is JsonObject found
            && (AnomalyJson.IdOf(found["id"]) == anomaly.Id || string.Equals(found.Uuid(), anomaly.Uuid, StringComparison.OrdinalIgnoreCase)))
        {
            Fail($"expected anomaly {anomaly.Id} to be gone {because}, but the target still answers it", response);
        }

        if (response.Status != 200 && response.Status != 404)
        {
            Fail($"expected HTTP 404 {because}, but the target answered {response.Status}", response);
        }

        return response;
    }

    public static void Fail(string expectation, ApiResponse response) =>
        Assert.Fail($"{expectation}.\n{response}");

    /// <summary>
    /// A precondition of the check that another rule owns. When it does not hold, this test cannot judge its
    /// rule and says so (not judged), while the owning rule's own test reports the failure.
    /// </summary>
    public static void Precondition(bool holds, string what, string ownerRule)
    {
        if (!holds)
        {
            Assert.Ignore($"not judged: {what} does not hold ({ownerRule} reports it)");
        }
    }

    public static void FailUnless(bool condition, string expectation, ApiResponse response)
    {
        if (!condition)
        {
            Fail(expectation, response);
        }
    }
}
