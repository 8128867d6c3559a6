using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Specs;
using AnomaliesConformance.ReferenceServer.Endpoints;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NUnit.Framework;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.SelfTests;

/// <summary>
/// The reference server on its own: hostile and malformed input gets a 4xx with a detail and changes
/// nothing, concurrent writes all land with their history, data survives a restart, provisioning is off
/// without a key.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class ReferenceServerTests
{
    private const string Key = "selftest-provisioning-key";
    private string databasePath = "";
    private ReferenceServerProcess server = null!;
    private HttpClient http = null!;
    private string adminToken = "";
    private string authorToken = "";
    private long anomalyId;

    [OneTimeSetUp]
    public async Task StartServerAndSeed()
    {
        databasePath = Path.Combine(TempDirectory.Create("server"), "reference.db");
        server = await ReferenceServerProcess.StartAsync(Repository.ReferenceServerDll, Key, [], TimeSpan.FromSeconds(60), databasePath);
        http = new HttpClient { BaseAddress = server.Url };
        var seeded = await ProvisionAsync("""
            {"users": [{"key": "admin", "name": "Ada Admin", "email": "ada@example.test", "role": "Admin"},
                       {"key": "author", "name": "Avi Author", "email": "avi@example.test", "role": "Member"}],
             "datastores": [{"key": "ds", "name": "selftest", "containers": [{"key": "c", "name": "orders"}]}],
             "grants": [{"user": "author", "datastore": "ds", "permission": "Author"}],
             "tags": ["selftest-tag-0", "selftest-tag-1", "selftest-tag-2", "selftest-tag-3"],
             "anomalies": [{"key": "a", "datastore": "ds", "container": "c", "description": "seeded"}]}
            """);
        adminToken = seeded["users"]!["admin"]!["token"]!.GetValue<string>();
        authorToken = seeded["users"]!["author"]!["token"]!.GetValue<string>();
        anomalyId = seeded["anomalies"]!["a"]!["id"]!.GetValue<long>();
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        http?.Dispose();
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    public static IEnumerable<TestCaseData> HostileRequests()
    {
        TestCaseData Case(string name, string method, string path, string? body) => new TestCaseData(method, path, body).SetName($"Bad input is a 4xx with detail and changes nothing: {name}");
        yield return Case("malformed JSON", "PUT", "/api/anomalies/{id}", "{\"status\": ");
        yield return Case("wrong type", "PUT", "/api/anomalies/{id}", "{\"assignee_ids\": \"everyone\"}");
        yield return Case("unknown field", "PUT", "/api/anomalies/{id}", "{\"status\": \"Acknowledged\", \"owner\": 1}");
        yield return Case("unknown enum value", "PUT", "/api/anomalies/{id}", "{\"status\": \"Bogus\"}");
        yield return Case("array instead of object", "PUT", "/api/anomalies/{id}", "[1, 2]");
        yield return Case("null body", "PUT", "/api/anomalies/{id}", "null");
        yield return Case("id neither int nor uuid", "PUT", "/api/anomalies/not-an-id", "{\"status\": \"Acknowledged\"}");
        yield return Case("huge numeric id", "PUT", "/api/anomalies/99999999999999999999999", "{\"status\": \"Acknowledged\"}");
        yield return Case("size=0", "GET", "/api/anomalies?size=0", null);
        yield return Case("size=101", "GET", "/api/anomalies?size=101", null);
        yield return Case("page=0", "GET", "/api/anomalies?page=0", null);
        yield return Case("sort_weight=up", "GET", "/api/anomalies?sort_weight=up", null);
        yield return Case("status=Bogus", "GET", "/api/anomalies?status=Bogus", null);
        yield return Case("limit=0", "GET", "/api/anomalies/{id}/source-record?limit=0", null);
        yield return Case("bad comment date", "GET", "/api/anomalies/{id}/comments?start_date=yesterday", null);
        yield return Case("bulk patch not an array", "PATCH", "/api/anomalies", "{\"id\": 1}");
        yield return Case("bulk patch empty", "PATCH", "/api/anomalies", "[]");
        yield return Case("bulk patch duplicate id", "PATCH", "/api/anomalies", "[{\"id\": {id}, \"status\": \"Acknowledged\"}, {\"id\": {id}, \"status\": \"Active\"}]");
        yield return Case("archive with an open status", "DELETE", "/api/anomalies/{id}?status=Active", null);
        yield return Case("archive=maybe", "DELETE", "/api/anomalies/{id}?archive=maybe&status=Resolved", null);
        yield return Case("oversized body", "PUT", "/api/anomalies/{id}", "{\"description\": \"" + new string('x', 2 * 1024 * 1024) + "\"}");
    }

    [TestCaseSource(nameof(HostileRequests))]
    public async Task Bad_input_gets_a_4xx_with_detail_and_changes_nothing(string method, string path, string? body)
    {
        var before = await GetAnomalyJsonAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{id}", anomalyId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        request.Headers.Authorization = new("Bearer", authorToken);
        if (body is not null)
        {
            request.Content = new StringContent(body.Replace("{id}", anomalyId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), Encoding.UTF8, "application/json");
            // A server refusing a large body by its length answers before reading it; without 100-continue the
            // client may still be uploading and meet a closed connection (broken pipe) under load.
            request.Headers.ExpectContinue = body.Length > 64 * 1024;
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        ((int)response.StatusCode).Should().BeInRange(400, 499, "bad input is the caller's error, never a 5xx: {0}", text);
        JsonNode.Parse(text)!["detail"].Should().NotBeNull("every error carries a detail: {0}", text);
        (await GetAnomalyJsonAsync()).Should().Be(before, "rejected input changes nothing");
    }

    [Test]
    public async Task Concurrent_updates_all_land_and_each_writes_one_history_entry()
    {
        var historyBefore = await HistoryTotalAsync();

        var writes = Enumerable.Range(0, 20).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/anomalies/{anomalyId}")
            {
                Content = new StringContent($$"""{"tags": ["selftest-tag-{{i % 4}}"], "status": "{{(i % 2 == 0 ? "Acknowledged" : "Active")}}"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new("Bearer", authorToken);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        });
        var statuses = await Task.WhenAll(writes);

        statuses.Should().OnlyContain(s => s == HttpStatusCode.OK, "concurrent writes are serialised, never lost or failed");
        (await HistoryTotalAsync()).Should().BeInRange(historyBefore + 1, historyBefore + 20, "each effective write records history, in its own transaction");
    }

    [Test]
    public async Task Provisioning_is_refused_with_a_wrong_key()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/_provisioning/batch") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Provisioning-Key", "wrong-key");

        using var response = await http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [TestCase(null, "uuid-lookup-broken", HttpStatusCode.Forbidden, TestName = "A fault header without the provisioning key is refused")]
    [TestCase("wrong-key", "uuid-lookup-broken", HttpStatusCode.Forbidden, TestName = "A fault header with a wrong provisioning key is refused")]
    [TestCase(Key, "no-such-fault", HttpStatusCode.BadRequest, TestName = "A fault header naming no fault is refused")]
    public async Task A_fault_header_is_honoured_only_with_the_provisioning_key_and_a_known_fault(string? key, string fault, HttpStatusCode expected)
    {
        using var response = await GetByUuidAsync(key, fault, probe: null);

        response.StatusCode.Should().Be(expected);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>().Should().Contain("X-Reference-", "the refusal names the header");
    }

    [Test]
    public async Task A_fault_header_turns_the_fault_on_for_that_request_only_and_a_probe_records_the_faults_it_reached()
    {
        using (var faulted = await GetByUuidAsync(Key, "uuid-lookup-broken", probe: "selftest probe ¿1"))
        {
            faulted.StatusCode.Should().Be(HttpStatusCode.NotFound, "uuid-lookup-broken answers 404 for a UUID, on this request");
        }

        using (var clean = await GetByUuidAsync(key: null, fault: null, probe: null))
        {
            clean.StatusCode.Should().Be(HttpStatusCode.OK, "the next request without the header runs faithfully");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/_provisioning/fault-gates");
        request.Headers.Add("X-Provisioning-Key", Key);
        using var response = await http.SendAsync(request);
        var gates = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        gates["reached_by_check"]!["selftest probe ¿1"]!.AsArray().Select(f => f!.GetValue<string>())
            .Should().Contain("uuid-lookup-broken", "the probe names the check whose request reached the fault's code");
        gates["faults"]!.AsArray().Should().HaveCount(AnomaliesConformance.ReferenceServer.Faults.All.Count, "the declarations come with the gates");
    }

    private async Task<HttpResponseMessage> GetByUuidAsync(string? key, string? fault, string? probe)
    {
        var uuid = JsonNode.Parse(await GetAnomalyJsonAsync())!["uuid"]!.GetValue<string>();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/anomalies/{uuid}");
        request.Headers.Authorization = new("Bearer", adminToken);
        if (key is not null)
        {
            request.Headers.Add("X-Provisioning-Key", key);
        }

        if (fault is not null)
        {
            request.Headers.Add("X-Reference-Fault", fault);
        }

        if (probe is not null)
        {
            request.Headers.Add("X-Reference-Probe", Uri.EscapeDataString(probe));
        }

        return await http.SendAsync(request);
    }

    [Test]
    public async Task Provisioning_is_off_without_a_key_and_data_survives_a_restart()
    {
        // A second server process on the same database file, started without a provisioning key.
        await using var restarted = await ReferenceServerProcess.StartAsync(Repository.ReferenceServerDll, null, [], TimeSpan.FromSeconds(60), databasePath);
        using var client = new HttpClient { BaseAddress = restarted.Url };

        using var provisioning = await client.PostAsync("/api/_provisioning/batch", new StringContent("{}", Encoding.UTF8, "application/json"));
        provisioning.StatusCode.Should().Be(HttpStatusCode.NotFound, "the extension is off unless the server starts with a key");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/anomalies/{anomalyId}");
        request.Headers.Authorization = new("Bearer", adminToken);
        using var response = await client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK, "the anomaly written before is on disk");
    }

    [TestCase(null)]
    [TestCase("not-a-token-the-server-issued")]
    public async Task The_openapi_description_needs_a_known_token(string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, OpenApiDescriptionEndpoint.Route);
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        using var response = await http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the description is behind the same bearer token as the API");
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"].Should().NotBeNull();
    }

    [Test]
    public async Task An_openapi_file_that_does_not_exist_exits_2_naming_the_option()
    {
        var start = await ChildProcess.RunAsync("dotnet", [Repository.ReferenceServerDll, "--openapi-file", "/no/such/openapi.json"], TimeSpan.FromMinutes(1));

        start.ExitCode.Should().Be(2, "{0}", start);
        start.StandardError.Should().Contain("--openapi-file").And.Contain("/no/such/openapi.json");
    }

    [Test]
    public async Task The_openapi_description_is_the_specs_document_as_json()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, OpenApiDescriptionEndpoint.Route);
        request.Headers.Authorization = new("Bearer", authorToken);

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        JsonNode.Parse(text)!["openapi"]!.GetValue<string>().Should().StartWith("3.0");
        SpecDrift.Compare(OpenApiDocuments.Read(text), OpenApiDocuments.Specs()).Should().BeEmpty("the server publishes specs/anomalies.openapi.yaml");
    }

    private async Task<JsonObject> ProvisionAsync(string batch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/_provisioning/batch") { Content = new StringContent(batch, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Provisioning-Key", Key);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Created, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    private async Task<string> GetAnomalyJsonAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/anomalies/{anomalyId}");
        request.Headers.Authorization = new("Bearer", adminToken);
        using var response = await http.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<int> HistoryTotalAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/anomalies/{anomalyId}/history?size=1");
        request.Headers.Authorization = new("Bearer", adminToken);
        using var response = await http.SendAsync(request);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["total"]!.GetValue<int>();
    }
}
