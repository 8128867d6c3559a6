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
