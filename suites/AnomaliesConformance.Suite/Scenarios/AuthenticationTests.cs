using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Running;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.Suite.Scenarios;

public sealed class AuthenticationTests : EndpointCallTest
{
    private static readonly Actor[] BadTokens =
    [
        Actor.WithRawToken("unknown-token", "cf-not-a-real-token-0000000000000000"),
        Actor.WithRawToken("malformed-token", "%%% not a token %%%"),
    ];

    public static IEnumerable<TestCaseData> Calls(string what) =>
        EndpointCalls.All.Select(c => new TestCaseData(c.Key).SetName($"{c.Key} / {what} / 401").SetProperty(Effects.PropertyName, Effects.Name(c.Effect)));

    [TestCaseSource(nameof(Calls), new object[] { "unknown or malformed bearer token" })]
    [Rule("AUTH-BEARER-REQUIRED")]
    public async Task A_bad_bearer_token_is_answered_401_and_changes_nothing(string callKey)
    {
        var world = await EndpointWorld.GetAsync();
        var call = EndpointCalls.Find(callKey)!;
        var target = world.TargetFor(call, EndpointWorld.BadTokenCaller);
        var before = call.Writes ? await WriteStateAsync(call, target) : null;

        foreach (var stranger in BadTokens)
        {
            var response = await SendAsync(stranger, call, target);
            response.ShouldHaveStatus(401, $"for a {stranger.Label} (a token the target never issued)");
            if (before is not null)
            {
                (await WriteStateAsync(call, target)).Should().Be(before, "a write answered 401 must change nothing: {0}", response);
            }
        }
    }

    [TestCaseSource(nameof(Calls), new object[] { "no Authorization header" })]
    [Rule("AUTH-MISSING-TOKEN")]
    public async Task A_request_without_authorization_header_is_answered_401(string callKey)
    {
        var world = await EndpointWorld.GetAsync();
        var call = EndpointCalls.Find(callKey)!;
        // A profile may declare 403 for a missing header (rules.yaml, profile_key missing_token_status).
        var expected = Run.Expectation("missing_token_status") == "403" ? 403 : 401;

        var response = await SendAsync(Actor.Anonymous, call, world.TargetFor(call, EndpointWorld.NoTokenCaller));

        response.ShouldHaveStatus(expected, "when no Authorization header is sent");
    }
}
