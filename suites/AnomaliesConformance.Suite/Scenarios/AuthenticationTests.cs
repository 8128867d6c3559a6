using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Scenarios;

[OnExistingData]
public sealed class AuthenticationTests : EndpointCallTest
{
    private static readonly Actor[] BadTokens =
    [
        Actor.WithRawToken("unknown-token", "cf-not-a-real-token-0000000000000000"),
        Actor.WithRawToken("malformed-token", "%%% not a token %%%"),
    ];

    public static IEnumerable<TestCaseData> Calls(string what) =>
        EndpointCalls.All.Select(c => new TestCaseData(c.Key).SetName($"{c.Key} / {what}").SetProperty(Effects.PropertyName, Effects.Name(c.Effect)));

    [TestCaseSource(nameof(Calls), new object[] { "unknown or malformed bearer token / refused" })]
    [Rule("AUTH-BEARER-REQUIRED")]
    public async Task A_bad_bearer_token_is_refused_and_changes_nothing(string callKey)
    {
        var call = EndpointCalls.Find(callKey)!;
        var target = await EndpointWorld.TargetAsync(call, EndpointWorld.BadTokenCaller);
        var before = call.Writes ? await WriteStateAsync(call, target) : null;

        foreach (var stranger in BadTokens)
        {
            // The page requires a Bearer token and names no status for a bad one: 401 is AUTH-BAD-TOKEN-401's.
            var response = await SendAsync(stranger, call, target);
            response.ShouldBeRefused($"for a {stranger.Label} (a token the target never issued)");
            if (before is not null)
            {
                (await WriteStateAsync(call, target)).Should().Be(before, "a write refused for its token changes nothing: {0}", response);
            }
        }
    }

    [TestCaseSource(nameof(Calls), new object[] { "unknown bearer token / 401" })]
    [Rule("AUTH-BAD-TOKEN-401")]
    public async Task A_bad_bearer_token_is_answered_401(string callKey)
    {
        var call = EndpointCalls.Find(callKey)!;
        var target = await EndpointWorld.TargetAsync(call, EndpointWorld.BadTokenCaller);

        var response = await SendAsync(BadTokens[0], call, target);

        ResponseAssertions.Precondition(IsRefusal(response), "the unknown token being refused", "AUTH-BEARER-REQUIRED", response);
        response.ShouldHaveStatus(401, "for a token the target never issued (an invalid token, RFC 6750)");
    }

    [TestCaseSource(nameof(Calls), new object[] { "no Authorization header / 401" })]
    [Rule("AUTH-MISSING-TOKEN")]
    public async Task A_request_without_authorization_header_is_answered_401(string callKey)
    {
        var call = EndpointCalls.Find(callKey)!;
        var target = await EndpointWorld.TargetAsync(call, EndpointWorld.NoTokenCaller);
        // A profile may declare 403 for a missing header (rules.yaml, profile_key missing_token_status).
        var expected = Run.Expectation("missing_token_status") == "403" ? 403 : 401;

        var response = await SendAsync(Actor.Anonymous, call, target);

        response.ShouldHaveStatus(expected, "when no Authorization header is sent");
    }
}
