using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Running;
using AnomaliesConformance.Suite.Support;
using NUnit.Framework;

namespace AnomaliesConformance.Suite.Scenarios;

public sealed class AuthenticationTests : ConformanceTest
{
    [TestCase("unknown-token", "cf-not-a-real-token-0000000000000000")]
    [TestCase("malformed-token", "%%% not a token %%%")]
    [Rule("AUTH-BEARER-REQUIRED")]
    public async Task A_bad_bearer_token_is_answered_401_on_list_and_on_a_single_anomaly(string label, string token)
    {
        var world = await ProvisionOneAsync();
        var stranger = Actor.WithRawToken(label, token);

        (await ListAsync(stranger)).ShouldHaveStatus(401, "for a token the target never issued").ShouldHaveDetail();
        (await GetAnomalyAsync(stranger, world["a"].Id)).ShouldHaveStatus(401, "for a token the target never issued").ShouldHaveDetail();
    }

    [Test]
    [Rule("AUTH-MISSING-TOKEN")]
    public async Task A_request_without_authorization_header_is_answered_401()
    {
        (await ListAsync(Actor.Anonymous)).ShouldHaveStatus(401, "when no Authorization header is sent").ShouldHaveDetail();
    }
}
