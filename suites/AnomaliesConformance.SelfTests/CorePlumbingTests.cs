using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.SelfTests;

[Parallelizable(ParallelScope.All)]
public sealed class CorePlumbingTests
{
    [Test]
    public void The_redactor_replaces_every_registered_secret_wherever_it_appears()
    {
        var redactor = new Redactor();
        redactor.Register("s3cr3t-token-value", "<token:member-author>");

        redactor.Redact("Authorization: Bearer s3cr3t-token-value; again s3cr3t-token-value")
            .Should().Be("Authorization: Bearer <token:member-author>; again <token:member-author>");
    }

    [Test]
    public void Tokens_in_json_bodies_are_redacted_before_the_run_knows_them()
    {
        var redactor = new Redactor();

        redactor.Redact("""{"users": {"admin": {"id": 1, "token": "abc123def456"}}}""")
            .Should().Be("""{"users": {"admin": {"id": 1, "token": "<redacted>"}}}""");
    }

    [Test]
    public void A_curl_line_names_the_role_token_as_a_variable_and_quotes_the_body()
    {
        var redactor = new Redactor();
        redactor.Register("s3cr3t-token-value", "<token>");
        var actor = new Actor("member-author", "Member", "Author", 17, "s3cr3t-token-value");
        using var request = new HttpRequestMessage();

        var curl = CurlLine.For(actor, "PUT", "http://127.0.0.1:5000/api/anomalies/1", request.Headers, """{"description": "it's"}""", redactor);

        curl.Should().Be("""curl -sS -X PUT 'http://127.0.0.1:5000/api/anomalies/1' -H "Authorization: Bearer $TOKEN_MEMBER_AUTHOR" -H 'Content-Type: application/json' --data-raw '{"description": "it'\''s"}'""");
        curl.Should().NotContain("s3cr3t");
    }

    [Test]
    public void A_curl_line_names_the_provisioning_key_and_cookies_as_variables()
    {
        var actor = new Actor("provisioner", "provisioning", null, null, null);
        using var request = new HttpRequestMessage();
        request.Headers.TryAddWithoutValidation(ApiClient.ProvisioningKeyHeader, "key-value-123456");
        request.Headers.TryAddWithoutValidation("Cookie", "session=cookie-value-654321");

        var curl = CurlLine.For(actor, "GET", "http://127.0.0.1:5000/api/anomalies", request.Headers, null, new Redactor());

        curl.Should().Contain("-H \"X-Provisioning-Key: $PROVISIONING_KEY\"").And.Contain("-H \"Cookie: $COOKIE\"");
        curl.Should().NotContain("key-value-123456").And.NotContain("cookie-value-654321");
    }

    [Test]
    public void The_per_test_seed_is_stable_across_processes_and_differs_between_tests()
    {
        StableSeed.For(42, "Suite.Test_a").Should().Be(StableSeed.For(42, "Suite.Test_a"));
        StableSeed.For(42, "Suite.Test_a").Should().NotBe(StableSeed.For(42, "Suite.Test_b"));
        StableSeed.For(42, "Suite.Test_a").Should().NotBe(StableSeed.For(43, "Suite.Test_a"));
    }
}

/// <summary>How the suite treats a target's refusals, broken answers and its own request rate.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class RequestPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 15, 12, 0, 0, TimeSpan.Zero);

    [TestCase("3", 3.0)]
    [TestCase(" 0 ", 0.0)]
    [TestCase("Fri, 15 May 2026 12:00:05 GMT", 5.0)]
    [TestCase("Fri, 15 May 2026 11:59:00 GMT", 0.0)]
    public void Retry_after_is_read_as_seconds_or_as_an_http_date(string header, double seconds) =>
        RequestPolicy.RetryAfter(header, Now).Should().Be(TimeSpan.FromSeconds(seconds));

    [TestCase(null)]
    [TestCase("")]
    [TestCase("soon")]
    [TestCase("-1")]
    public void A_missing_or_unreadable_retry_after_leaves_the_backoff_to_the_suite(string? header) =>
        RequestPolicy.RetryAfter(header, Now).Should().BeNull();

    [TestCase("GET", 429, null, true)]
    [TestCase("GET", 503, "2", true)]
    [TestCase("HEAD", 503, null, true)]
    [TestCase("GET", 500, null, false)]
    [TestCase("GET", 502, null, false)]
    [TestCase("GET", 429, "120", false)]
    [TestCase("PUT", 429, null, false)]
    [TestCase("DELETE", 503, null, false)]
    [TestCase("POST", 429, null, false)]
    [TestCase("PATCH", 503, null, false)]
    public void Only_refusals_of_safe_requests_with_a_bearable_wait_are_retried(string method, int status, string? retryAfter, bool retried)
    {
        var headers = retryAfter is null ? [] : new List<KeyValuePair<string, string>> { new("Retry-After", retryAfter) };

        new RequestPolicy().ShouldRetry(Answer(method, status, headers), Now).Should().Be(retried);
    }

    [Test]
    public void No_answer_a_server_error_or_a_429_is_target_trouble_and_an_ordinary_4xx_is_not()
    {
        TargetTrouble.Of(Answer("GET", 0, []).Exchange with { TransportError = "Connection refused" }).Should().Be("Connection refused");
        TargetTrouble.Of(Answer("GET", 500, []).Exchange).Should().Contain("server error");
        TargetTrouble.Of(Answer("GET", 429, []).Exchange with { Attempt = 4 }).Should().Contain("to every retry");
        TargetTrouble.Of(Answer("GET", 404, []).Exchange).Should().BeNull();
        TargetTrouble.Of(Answer("GET", 200, []).Exchange).Should().BeNull();
    }

    [TestCase("application/json; charset=utf-8", true)]
    [TestCase("application/problem+json", true)]
    [TestCase(null, true)]
    [TestCase("text/html; charset=utf-8", false)]
    [TestCase("text/plain", false)]
    public void A_json_body_is_read_only_under_a_json_media_type_or_none(string? contentType, bool readable)
    {
        var response = new ApiResponse(Answer("GET", 200, []).Exchange, contentType, """{"id": 1}""");

        var read = () => response.Json;

        if (readable)
        {
            read.Should().NotThrow();
        }
        else
        {
            read.Should().Throw<TargetErrorException>().WithMessage("*Content-Type*not JSON*");
        }
    }

    [Test]
    public void A_body_cut_at_the_size_limit_is_a_target_error_even_when_its_start_parses()
    {
        var response = new ApiResponse(Answer("GET", 200, []).Exchange, "application/json", "[]", bodyCut: true);

        response.Invoking(r => r.Json).Should().Throw<TargetErrorException>().WithMessage($"*more than {ApiClient.MaxBodyChars} characters*");
    }

    [Test]
    public async Task The_rate_limit_holds_a_burst_to_its_requests_per_second()
    {
        using var limiter = new RequestPolicy { RateLimitPerSecond = 20 }.BuildRateLimiter()!;
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // 41 requests at 20/s: the first goes at once, the other 40 need two seconds.
        await Task.WhenAll(Enumerable.Range(0, 41).Select(async _ =>
        {
            using var lease = await limiter.AcquireAsync(1);
            lease.IsAcquired.Should().BeTrue();
        }));

        clock.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(1.8)).And.BeLessThan(TimeSpan.FromSeconds(10));
    }

    [Test]
    public void Without_a_rate_limit_there_is_no_limiter_and_without_retries_no_retry()
    {
        new RequestPolicy().BuildRateLimiter().Should().BeNull();
        new RequestPolicy { MaxRetries = 0 }.BuildRetryPipeline(TimeProvider.System).Should().BeSameAs(Polly.ResiliencePipeline<ApiResponse>.Empty);
    }

    private static ApiResponse Answer(string method, int status, IReadOnlyList<KeyValuePair<string, string>> headers) => new(
        new Exchange
        {
            Sequence = 1,
            TestId = "t",
            Actor = "member-viewer",
            Method = method,
            Url = "http://127.0.0.1/api/anomalies/1",
            RequestHeaders = [],
            Status = status,
            ResponseHeaders = headers,
            StartedAt = Now,
            DurationMs = 1,
            Curl = "curl",
        },
        "text/html",
        "");
}
