using System.Text.Json;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using static AnomaliesConformance.Suite.Support.ResponseAssertions;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Scenarios;

/// <summary>The error answers every endpoint shares: codes, the detail body, and the order faults are judged in.</summary>
[OnExistingData]
[Effect(CheckEffect.Destructive)]
public sealed class ErrorTests : ConformanceTest
{
    private const long UnknownId = 8_999_999_999_999;
    private static readonly string UnknownUuid = "0f0e0d0c-0b0a-4909-8807-060504030201";

    private static readonly string[] ReadPaths = ["", "/failed-checks", "/history", "/source-record", "/source-record/download", "/ticket-links"];

    [Test]
    [Rule("ERRORS-DETAIL")]
    public async Task Error_answers_carry_a_detail_string_or_a_list_of_validation_errors()
    {
        var world = await ProvisionAsync(b => b.Anomaly("open").Anomaly("archived", new() { Status = "Resolved" }));
        var open = world["open"];
        var answers = new[]
        {
            await GetAnomalyAsync(Actor.WithRawToken("unknown-token", "not-a-token-of-this-run"), open.Id),
            await GetAnomalyAsync(As("member-reporter"), open.Id),
            await GetAnomalyAsync(Admin, UnknownId),
            await DeleteLinkAsync(As("manager-author"), open.Id, UnknownId),
            await DeleteAsync(As("member-author"), world["archived"].Id, "?archive=true&status=Duplicate"),
            await SendOversizedAsync(As("member-editor"), HttpMethod.Put, $"/api/anomalies/{open.Id}", LargeDescriptionBody()),
            await GetAnomalyAsync(Admin, "not-an-id"),
            await PutAsync(As("member-author"), open.Id, """{"status": """),
        };

        var judged = 0;
        foreach (var answer in answers.Where(a => a.Status is 401 or 403 or 404 or 409 or 413 or 422))
        {
            judged++;
            // An error body that is not JSON is this rule's failure, not a target error: the rule promises JSON.
            var body = answer.JsonOrNull() as JsonObject;
            FailUnless(body is not null, "expected the error answer to be a JSON object (application/json)", answer);
            var detail = body!["detail"];
            if (answer.Status == 422)
            {
                FailUnless(detail is JsonArray { Count: > 0 } list && list.All(IsValidationError),
                    "expected a request-validation 422 to carry detail as a list of {loc, msg, type}", answer);
            }
            else
            {
                FailUnless(detail is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Length > 0,
                    $"expected the {answer.Status} answer to carry a non-empty detail string", answer);
            }
        }

        Precondition(judged > 0, "at least one of the requests being answered with an error", "the rules of those requests");
    }

    [Test]
    [Rule("ERRORS-INVALID-INPUT-422")]
    public async Task Malformed_json_wrong_types_unknown_enums_and_unknown_fields_are_answered_422_and_change_nothing()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b").Integration("jira"));
        var anomaly = world["a"];
        var before = await SnapshotAsync(anomaly);
        var author = As("member-author");

        var bodies = new (string What, string Body)[]
        {
            ("malformed JSON", """{"status": "Acknowledged" """),
            ("a wrong type", """{"tags": "High"}"""),
            ("an unknown enum value", """{"status": "Closed"}"""),
            ("an unknown body field", """{"status": "Acknowledged", "priority": "P1"}"""),
        };
        foreach (var (what, body) in bodies)
        {
            (await PutAsync(author, anomaly.Id, body)).ShouldHaveStatus(422, $"for a PUT with {what}").ShouldHaveDetail();
        }

        (await PatchAsync(author, $$"""[{"id": {{anomaly.Id}}, "assignee_ids": ["42"]}]""")).ShouldHaveStatus(422, "for a PATCH entry with a wrong type");
        (await DeleteAsync(author, anomaly.Id, "?archive=true&status=Resolved", """{"comment": "x", "notify": true}""")).ShouldHaveStatus(422, "for a DELETE body with an unknown field");
        (await CreateLinkAsync(As("manager-author"), anomaly.Id, $$"""{"integration_id": {{world.Integrations["jira"]}}, "ticket_id": "1", "ticket_number": "1", "status": "New", "owner": "me"}"""))
            .ShouldHaveStatus(422, "for a ticket link with an unknown field");

        JsonDiff.FirstDifference(before, await SnapshotAsync(anomaly)).Should().BeNull("invalid input changes nothing");
        (await LinkIdsAsync(anomaly)).Should().BeEmpty("the invalid link was not created");

        // Input the MUST rules refuse without naming a code: when refused at all (else those rules report), 422.
        var refusals = new (string What, ApiResponse Answer)[]
        {
            ("an archive without a status", await DeleteAsync(author, world["b"].Id, "?archive=true")),
            ("a PUT with an archived status", await PutAsync(author, anomaly.Id, """{"status": "Resolved"}""")),
            ("a ticket link without ticket_number", await CreateLinkAsync(As("manager-author"), anomaly.Id, $$"""{"integration_id": {{world.Integrations["jira"]}}, "ticket_id": "2", "status": "New"}""")),
            ("source records with limit=0", await SourceRecordsAsync(author, anomaly.Id, "?limit=0")),
        };
        foreach (var (what, answer) in refusals.Where(r => IsRefusal(r.Answer)))
        {
            answer.ShouldHaveStatus(422, $"for {what}: invalid input");
        }
    }

    [Test]
    [Rule("ERRORS-STATE-CONFLICT-409")]
    public async Task A_write_refused_for_the_anomalys_state_answers_409_with_a_detail_string_and_changes_nothing()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("open-single").Anomaly("archived-single", new() { Status = "Resolved" })
            .Anomaly("open-bulk").Anomaly("archived-bulk", new() { Status = "Invalid" }));
        var author = As("member-author");
        var cases = new (string Key, Func<Task<ApiResponse>> Send)[]
        {
            ("open-single", () => DeleteAsync(author, world["open-single"].Id, "?archive=false")),
            ("archived-single", () => DeleteAsync(author, world["archived-single"].Id, "?archive=true&status=Duplicate")),
            ("open-bulk", () => BulkDeleteAsync(author, $$"""[{"id": {{world["open-bulk"].Id}}, "archive": false}]""")),
            ("archived-bulk", () => BulkDeleteAsync(author, $$"""[{"id": {{world["archived-bulk"].Id}}, "archive": true, "status": "Resolved"}]""")),
        };

        var judged = 0;
        foreach (var (key, send) in cases)
        {
            var before = await SnapshotAsync(world[key]);
            var answer = await send();
            if (answer.Status is >= 200 and <= 299)
            {
                // Not refused at all: whether to refuse is HARD-DELETE-ONLY-ARCHIVED's and ARCHIVE-ALREADY-ARCHIVED's business.
                continue;
            }

            judged++;
            answer.ShouldHaveStatus(409, $"for a write the state of anomaly {key} forbids");
            FailUnless(answer.JsonOrNull() is JsonObject { } body && body["detail"] is JsonValue detail && detail.GetValueKind() == JsonValueKind.String, "expected a detail string", answer);
            JsonDiff.FirstDifference(before, await SnapshotAsync(world[key])).Should().BeNull("the refused write changes nothing: {0}", answer);
        }

        Precondition(judged > 0, "the state conflicts being refused at all", "HARD-DELETE-ONLY-ARCHIVED and ARCHIVE-ALREADY-ARCHIVED");
    }

    [Test]
    [Rule("ERRORS-UNKNOWN-ID-404")]
    public async Task A_well_formed_id_that_names_no_anomaly_is_answered_404_on_every_path()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Integration("jira"));
        var link = $$"""{"integration_id": {{world.Integrations["jira"]}}, "ticket_id": "1", "ticket_number": "1", "status": "New"}""";

        // Comments of a missing anomaly are HARD-DELETE-CASCADE's check, with an id that existed.
        foreach (var id in new object[] { UnknownId, UnknownUuid })
        {
            var reads = await GetTogetherAsync(Admin, ReadPaths.Select(path => $"/api/anomalies/{id}{path}"));
            foreach (var (path, read) in ReadPaths.Zip(reads))
            {
                read.ShouldHaveStatus(404, $"for GET {path} of {id}, which names no anomaly");
            }

            (await PutAsync(As("member-author"), id, """{"status": "Acknowledged"}""")).ShouldHaveStatus(404, $"for PUT of {id}");
            (await DeleteAsync(As("member-author"), id, "?archive=true&status=Resolved")).ShouldHaveStatus(404, $"for DELETE of {id}");
            (await CreateLinkAsync(As("manager-author"), id, link)).ShouldHaveStatus(404, $"for POST ticket-links of {id}");
        }
    }

    [TestCase("not-an-id")]
    [TestCase("12abc")]
    [TestCase("1.5")]
    [Rule("ERRORS-MALFORMED-ID-422")]
    public async Task An_id_that_is_neither_an_integer_nor_a_uuid_is_answered_422(string id)
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Integration("jira"));

        var paths = ReadPaths.Append("/comments").ToList();
        foreach (var (path, read) in paths.Zip(await GetTogetherAsync(Admin, paths.Select(path => $"/api/anomalies/{id}{path}"))))
        {
            read.ShouldHaveStatus(422, $"for GET {path} of '{id}'");
        }

        (await PutAsync(As("member-author"), id, """{"status": "Acknowledged"}""")).ShouldHaveStatus(422, $"for PUT of '{id}'");
        (await DeleteAsync(As("member-author"), id, "?archive=true&status=Resolved")).ShouldHaveStatus(422, $"for DELETE of '{id}'");
        (await CreateLinkAsync(As("manager-author"), id, $$"""{"integration_id": {{world.Integrations["jira"]}}, "ticket_id": "1", "ticket_number": "1", "status": "New"}"""))
            .ShouldHaveStatus(422, $"for POST ticket-links of '{id}'");
    }

    [Test]
    [Rule("ERRORS-BODY-TOO-LARGE")]
    public async Task A_body_larger_than_1_mib_is_answered_413_and_changes_nothing()
    {
        var world = await ProvisionAsync(b => b.Anomaly("a").Anomaly("b").Integration("jira"));
        var anomaly = world["a"];
        var before = await SnapshotAsync(anomaly);
        var big = JsonValue.Create(new string('x', 1_200_000)).ToJsonString();

        var answers = new[]
        {
            await SendOversizedAsync(As("member-editor"), HttpMethod.Put, $"/api/anomalies/{anomaly.Id}", LargeDescriptionBody()),
            await SendOversizedAsync(As("member-editor"), HttpMethod.Patch, "/api/anomalies", $$"""[{"id": {{anomaly.Id}}, "description": {{big}}}]"""),
            await SendOversizedAsync(As("member-author"), HttpMethod.Delete, $"/api/anomalies/{anomaly.Id}?archive=true&status=Resolved", $$"""{"comment": {{big}}}"""),
            await SendOversizedAsync(As("member-author"), HttpMethod.Delete, "/api/anomalies", $$"""[{"id": {{world["b"].Id}}, "archive": true, "status": "Resolved", "comment": {{big}}}]"""),
            await SendOversizedAsync(As("manager-author"), HttpMethod.Post, $"/api/anomalies/{anomaly.Id}/ticket-links",
                $$$"""{"integration_id": {{{world.Integrations["jira"]}}}, "ticket_id": "1", "ticket_number": "1", "status": "New", "ticket_metadata": {"blob": {{{big}}}}}"""),
        };

        foreach (var answer in answers)
        {
            answer.ShouldHaveStatus(413, "for a body of more than 1 MiB").ShouldHaveDetail();
        }

        JsonDiff.FirstDifference(before, await SnapshotAsync(anomaly)).Should().BeNull("an oversized request changes nothing");
        (await SnapshotAsync(world["b"])).Status().Should().Be("Active", "the oversized bulk archive changes nothing");
        (await LinkIdsAsync(anomaly)).Should().BeEmpty("the oversized link was not created");
    }

    [Test]
    [Rule("ERRORS-EVALUATION-ORDER")]
    public async Task A_request_with_several_faults_is_answered_for_the_first_in_the_contracts_order()
    {
        var world = await ProvisionAsync(b => b.Anomaly("open").Anomaly("archived", new() { Status = "Resolved" }).Anomaly("probe"));
        var badToken = Actor.WithRawToken("unknown-token", "not-a-token-of-this-run");
        var author = As("member-author");
        var mention = """{"comment": "cc", "mentioned_user_ids": [8999999999]}""";

        // Each pair is answered as its earlier fault alone is answered (whatever code that is: the codes are
        // other rules'). The probe sends the earlier fault alone; a pair the target does not refuse at all
        // for that fault is not judged here.
        var pairs = new (string What, ApiResponse Alone, Func<Task<ApiResponse>> Both)[]
        {
            ("a bad token and a malformed id: the token first", await GetAnomalyAsync(badToken, world["open"].Id), () => GetAnomalyAsync(badToken, "not-an-id")),
            ("malformed JSON sent to an unknown id: the request shape before the lookup", await PutAsync(author, world["probe"].Id, """{"status": """), () => PutAsync(author, UnknownId, """{"status": """)),
            ("an unknown id asked by a member without permissions: the lookup before the permission", await GetAnomalyAsync(Admin, UnknownId), () => GetAnomalyAsync(As("member-none"), UnknownId)),
            ("a Reporter sending an unknown tag: the permission before the semantic check", await PutAsync(As("member-reporter"), world["open"].Id, """{"status": "Acknowledged"}"""),
                () => PutAsync(As("member-reporter"), world["open"].Id, $$"""{"tags": ["{{world.Tag("Not-In-Catalogue")}}"]}""")),
            ("an unknown mention on an anomaly already archived: the semantic check before the state", await DeleteAsync(author, world["probe"].Id, "?archive=true&status=Resolved", mention),
                () => DeleteAsync(author, world["archived"].Id, "?archive=true&status=Duplicate", mention)),
        };

        var judged = 0;
        foreach (var (what, alone, both) in pairs.Where(p => IsRefusal(p.Alone)))
        {
            judged++;
            (await both()).ShouldHaveStatus(alone.Status, $"for {what} (the earlier fault alone is answered {alone.Status})");
        }

        Precondition(judged == pairs.Length, "each earlier fault alone being refused", "the rules of those faults", [.. pairs.Select(p => p.Alone)]);
    }

    private static string LargeDescriptionBody() => $$"""{"description": {{JsonValue.Create(new string('d', 1_200_000)).ToJsonString()}}}""";

    private static bool IsValidationError(JsonNode? item) =>
        item is JsonObject error && error["loc"] is JsonArray && error["msg"] is JsonValue msg && msg.GetValueKind() == JsonValueKind.String
        && error["type"] is JsonValue type && type.GetValueKind() == JsonValueKind.String;
}
