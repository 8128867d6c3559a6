using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Suite.Support;
using Microsoft.OpenApi.Models;
using NUnit.Framework;

namespace AnomaliesConformance.Suite.Contract;

/// <summary>What each kind of generated case sends and how it judges the answers.</summary>
public sealed class ContractChecks(
    OpenApiDocument document,
    ContractOperation operation,
    ContractWorld world,
    ContractCase contractCase,
    ContractRequests requests,
    bool strictSchema)
{
    private const int OversizedBytes = (1024 * 1024) + (64 * 1024);

    private Actor Caller => world.Caller;

    public async Task ResponseSchemaAsync()
    {
        var response = await SendValidAsync();
        var expected = contractCase.ExpectedStatus!.Value;
        RequireDocumentedSuccess(response, expected);
        if (operation.Response(expected)!.Content.Count == 0)
        {
            ResponseAssertions.FailUnless(response.Body.Length == 0, $"expected no body with {expected}, as the document describes none", response);
            return;
        }

        JudgeSchema(ResponseSchemas.For(document).Check(operation, expected, response.Body), response, strictSchema);
    }

    public async Task MediaTypeAsync()
    {
        var response = await SendValidAsync();
        RequireDocumentedSuccess(response, contractCase.ExpectedStatus!.Value);
        var mediaType = (response.ContentType ?? "").Split(';')[0].Trim();
        ResponseAssertions.FailUnless(
            mediaType.Equals(contractCase.Subject, StringComparison.OrdinalIgnoreCase),
            $"expected Content-Type {contractCase.Subject}, as documented for {contractCase.ExpectedStatus}, but it is '{response.ContentType}'",
            response);
    }

    public async Task ResponseHeaderAsync()
    {
        var response = await SendValidAsync();
        var expected = contractCase.ExpectedStatus!.Value;
        RequireDocumentedSuccess(response, expected);
        var header = operation.Response(expected)!.Headers[contractCase.Subject!];
        var value = response.Header(contractCase.Subject!);
        ResponseAssertions.FailUnless(value is not null, $"expected the documented header {contractCase.Subject}", response);
        if (header.Schema?.Pattern is { } pattern)
        {
            ResponseAssertions.FailUnless(Regex.IsMatch(value!, pattern), $"expected {contractCase.Subject} to match the documented pattern {pattern}, but it is '{value}'", response);
        }
    }

    /// <summary>Valid requests (each documented query parameter, and an unknown one, which is ignored) get a documented success.</summary>
    public async Task DocumentedStatusAsync()
    {
        world.RequireCaller();
        var answers = new List<ApiResponse>();
        if (operation.IsRead)
        {
            var path = await requests.PathAsync();
            var baseline = requests.BaselineQuery();
            var queries = new List<IEnumerable<(string Name, string Value)>> { baseline };
            foreach (var parameter in operation.QueryParameters)
            {
                queries.Add(baseline.Where(q => q.Name != parameter.Name).Append((parameter.Name, requests.Values.Query(parameter))).ToList());
            }

            // An unknown parameter is ignored (contract-choices.md). On the list that is LIST-UNKNOWN-PARAM-IGNORED's
            // own scenario, so only the per-anomaly reads get one here.
            if (operation.PathParameters.Count > 0)
            {
                queries.Add(baseline.Append((ContractRequests.UnknownQueryParameter, "1")).ToList());
            }

            // The reads are independent: sent together, they cost a distant target one round trip, not one each.
            answers.AddRange(await Task.WhenAll(queries.Select(query => requests.SendAsync(Caller, path, query, null))));
        }
        else
        {
            answers.Add(await requests.SendAsync(Caller, await requests.PathAsync(), requests.FullQuery(), requests.ValidBody()?.ToJsonString()));
        }

        var documented = operation.Successes.Select(s => s.Status).ToList();
        var wrong = answers.Where(a => !documented.Contains(a.Status)).ToList();
        if (wrong.Count > 0)
        {
            Assert.Fail($"expected a documented success status ({string.Join(" or ", documented)}) for every valid request; {wrong.Count} of {answers.Count} got another:\n"
                + string.Join("\n", wrong.Select(w => w.ToString())));
        }
    }

    public async Task TokenAsync()
    {
        var actor = contractCase.Kind switch
        {
            CheckKinds.MissingToken => Actor.Anonymous,
            CheckKinds.MalformedToken => Actor.WithRawToken("malformed-token", "%%% not a token %%%"),
            _ => Actor.WithRawToken("unknown-token", "cf-unknown-token-" + requests.Faker.Random.AlphaNumeric(24)),
        };
        var judgeState = world.Unusable is null && !operation.IsRead;
        var path = world.Unusable is null ? await requests.PathAsync() : await requests.PathAsync(createSubResources: false);
        var before = judgeState ? await requests.SnapshotAsync() : "";
        var response = await requests.SendAsync(actor, path, operation.IsRead ? requests.BaselineQuery() : requests.FullQuery(), requests.ValidBody()?.ToJsonString());

        // Error bodies are ERRORS-DETAIL's; the status is the token rule's (a refusal where it is MUST).
        JudgeRefusal(response, 401, $"for a request with {contractCase.Name.Split(" / ")[1]}");
        if (judgeState)
        {
            ResponseAssertions.FailUnless(await requests.SnapshotAsync() == before, "expected a refused write to change nothing, but the anomaly (or its ticket links) changed", response);
        }
    }

    public async Task IdAsync()
    {
        world.RequireCaller();
        var path = await requests.PathAsync(contractCase.Value, createSubResources: false);
        var response = await requests.SendAsync(Caller, path, operation.IsRead ? requests.BaselineQuery() : requests.FullQuery(), requests.ValidBody()?.ToJsonString());

        response.ShouldHaveStatus(contractCase.ExpectedStatus!.Value, $"for {contractCase.Subject} '{contractCase.Value}' ({contractCase.Kind.Replace('-', ' ')})");
    }

    public async Task InvalidQueryAsync()
    {
        world.RequireCaller();
        var path = await requests.PathAsync();
        var query = (operation.IsRead ? requests.BaselineQuery() : requests.FullQuery())
            .Where(q => q.Name != contractCase.Subject)
            .Append((contractCase.Subject!, contractCase.Value!))
            .ToList();
        var before = operation.IsRead ? "" : await requests.SnapshotAsync();
        var response = await requests.SendAsync(Caller, path, query, requests.ValidBody()?.ToJsonString());

        JudgeRefusal(response, 422, $"for {contractCase.Subject}={contractCase.Value}, a value its schema rules out");
        if (!operation.IsRead)
        {
            ResponseAssertions.FailUnless(await requests.SnapshotAsync() == before, "expected a rejected request to change nothing, but it did", response);
        }
    }

    public async Task InvalidBodyAsync()
    {
        world.RequireCaller();
        var path = await requests.PathAsync();
        var body = InvalidBody(requests.ValidBody() ?? new JsonObject(), contractCase.Value!, contractCase.Subject);
        var before = await requests.SnapshotAsync();
        var response = await requests.SendAsync(Caller, path, requests.FullQuery(), body);

        JudgeRefusal(response, contractCase.ExpectedStatus!.Value, $"for a body with {contractCase.Name.Split(" / ")[1][5..]}");
        ResponseAssertions.FailUnless(await requests.SnapshotAsync() == before, "expected a rejected body to change nothing, but the anomaly (or its ticket links) changed", response);
    }

    public async Task PaginationEnvelopeAsync()
    {
        world.RequireCaller();
        var (path, query) = await CollectionAsync();
        const int size = 2;
        var response = await requests.SendAsync(Caller, path, query.Append(("size", "2")), null);
        response.ShouldHaveStatus(200, "for a page of a paginated collection");
        var page = response.Object;
        var missing = new[] { "items", "total", "page", "size", "pages" }.Where(k => !page.ContainsKey(k)).ToList();
        ResponseAssertions.FailUnless(missing.Count == 0, $"expected the envelope keys items, total, page, size and pages; missing {string.Join(", ", missing)}", response);
        var total = Long(page["total"]);
        var expectedPages = (total + size - 1) / size;
        ResponseAssertions.FailUnless(Long(page["size"]) == size && Long(page["page"]) == 1, "expected page 1 and size 2, as asked", response);
        ResponseAssertions.FailUnless(Long(page["pages"]) == expectedPages, $"expected pages = ceil(total / size) = ceil({total} / {size}) = {expectedPages}, but pages is {page["pages"]}", response);
        ResponseAssertions.FailUnless(page["items"]!.AsArray().Count == Math.Min(size, total), $"expected page 1 to hold min(size, total) = {Math.Min(size, total)} items", response);
    }

    /// <summary>
    /// Every page once, with the total counting them: walked by the one reading layer (items in an envelope or a
    /// bare array, the target's own paging parameter names), since the list's walk is a MUST rule.
    /// </summary>
    private const int ListPageSize = 100;
    private const int WalkPageBudget = 50;

    public async Task PaginationWalkAsync()
    {
        world.RequireCaller();
        var (path, query) = await CollectionAsync();
        var shapeRule = ContractRules.PaginationEnvelope(operation);
        var api = AnomaliesConformance.Core.Checks.ConformanceRun.Current.Api;
        // Pages of two cross many boundaries in a run's own world; a deployment holding thousands is walked in
        // pages big enough to end within the page budget, and past that the walk is not attempted.
        var first = await Read.WalkAsync(api, Caller, path + ContractRequests.QueryString(query), 2, shapeRule, maxPages: 1);
        var size = first.Total is { } total ? (int)Math.Max(2, (total + WalkPageBudget - 1) / WalkPageBudget) : 2;
        if (size > ListPageSize)
        {
            Assert.Inconclusive($"the collection holds {first.Total} items: a walk would take more than {WalkPageBudget} pages of {ListPageSize}: {first.Answers[0]}");
        }

        var walk = await Read.WalkAsync(api, Caller, path + ContractRequests.QueryString(query), size, shapeRule, maxPages: WalkPageBudget);
        var seen = walk.Items.Select(i => Identity(i)).ToList();
        var repeated = seen.GroupBy(k => k).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

        ResponseAssertions.FailUnless(repeated.Count == 0, $"expected each item exactly once, but {string.Join(", ", repeated)} came on more than one page", walk.Answers[^1]);
        if (seen.Count < 3)
        {
            Assert.Inconclusive($"the walk needs at least three items to cross a page boundary, but it found {seen.Count}: {walk.Answers[0]}");
        }

        ResponseAssertions.Precondition(walk.Total is not null, "the collection stating its total", shapeRule, walk.Answers[0]);
        ResponseAssertions.FailUnless(seen.Count == walk.Total, $"expected walking {walk.Answers.Count} pages to yield total = {walk.Total} items, but it yielded {seen.Count}", walk.Answers[0]);
    }

    public async Task SortAsync()
    {
        world.RequireCaller();
        var field = contractCase.Subject!["sort_".Length..];
        var (path, query) = await CollectionAsync(listScope: true);
        query.Add((Read.Spelling.SizeParam, "100"));
        var ascending = (await requests.SendAsync(Caller, path, query.Append((contractCase.Subject!, "asc")), null)).ShouldSucceed($"for {contractCase.Subject}=asc");
        var descending = (await requests.SendAsync(Caller, path, query.Append((contractCase.Subject!, "desc")), null)).ShouldSucceed($"for {contractCase.Subject}=desc");
        var values = Items(ascending).Select(i => i[field]).ToList();
        if (values.Select(v => v?.ToJsonString()).Distinct().Count() < 2)
        {
            Assert.Inconclusive($"the listed items have fewer than two distinct {field} values, so no order can be seen: {ascending}");
        }

        AssertOrdered(ascending, field, ascending: true);
        AssertOrdered(descending, field, ascending: false);
    }

    /// <summary>Each returned item satisfies the filter, exactly those items are returned, and repeated values combine with OR.</summary>
    public async Task FilterAsync()
    {
        world.RequireCaller();
        var parameter = contractCase.Subject!;
        var valuesOf = ContractRules.FilterValues[parameter];
        var scoped = parameter != "datastore" || !world.Provisioned;
        var (path, query) = await CollectionAsync(listScope: scoped);
        query.Add((Read.Spelling.SizeParam, ListPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var everything = scoped
            ? Items((await requests.SendAsync(Caller, path, query, null)).ShouldSucceed("listing the world's anomalies"))
            : [.. Items(await ListAsync(path, query, world.ReadsDatastore)), .. Items(await ListAsync(path, query, world.ExtraDatastore))];
        var candidates = everything.SelectMany(valuesOf).Distinct().ToList();
        var enumValues = operation.QueryParameters.First(p => p.Name == parameter).Schema.Items?.Enum.Select(e => SchemaValues.Text(SchemaValues.Any(e))) ?? [];
        var first = candidates.Concat(enumValues).FirstOrDefault(v => !everything.All(i => valuesOf(i).Contains(v)));
        if (first is null)
        {
            Assert.Inconclusive($"no value of {parameter} tells the listed items apart, so the filter cannot be seen");
        }

        var one = (await requests.SendAsync(Caller, path, query.Append((parameter, first!)), null)).ShouldSucceed($"for {parameter}={first}");
        AssertMatches(one, parameter, [first!], everything, valuesOf);
        var second = candidates.FirstOrDefault(v => v != first && everything.Any(i => valuesOf(i).Contains(v) && !valuesOf(i).Contains(first!)));
        if (second is null && !world.Provisioned)
        {
            // Existing data whose listed items hold one value only: a server that keeps only the first of repeated
            // values would pass unseen, so the filter is not judged here (a provisioned world holds two).
            Assert.Inconclusive($"the listed items hold no second value of {parameter} beside {first}, so repeated values cannot be seen to combine with OR");
        }

        if (second is not null)
        {
            var both = (await requests.SendAsync(Caller, path, query.Append((parameter, first!)).Append((parameter, second)), null))
                .ShouldSucceed($"for {parameter}={first}&{parameter}={second}");
            AssertMatches(both, parameter, [first!, second], everything, valuesOf);
        }
    }

    internal static string InvalidBody(JsonNode valid, string variant, string? property)
    {
        var entry = valid is JsonArray { Count: > 0 } array ? array[0]!.AsObject() : valid as JsonObject;
        switch (variant)
        {
            case BodyVariants.MalformedJson:
                var text = valid.ToJsonString();
                return text[..^1];
            case BodyVariants.Oversized:
                return valid.ToJsonString() + new string(' ', OversizedBytes);
            case BodyVariants.MissingField:
                entry?.Remove(property!);
                break;
            case BodyVariants.WrongType:
                entry![property!] = entry[property!] switch
                {
                    JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => 12345,
                    JsonArray => "not-a-list",
                    _ => "not-a-" + property,
                };
                break;
            case BodyVariants.UnknownEnum:
                entry![property!] = SchemaValues.UnknownEnumValue;
                break;
            case BodyVariants.UnknownField:
                entry![property!] = 1;
                break;
        }

        return valid.ToJsonString();
    }

    private static void JudgeSchema(SchemaFindings findings, ApiResponse response, bool strict)
    {
        var undocumented = findings.Undocumented.Count == 0 ? "" : "\nundocumented properties: " + string.Join(", ", findings.Undocumented);
        if (findings.Violations.Count > 0 || (strict && findings.Undocumented.Count > 0))
        {
            Assert.Fail($"the body does not match the documented schema ({findings.Violations.Count} violations):\n"
                + string.Join("\n", findings.Violations) + undocumented + $"\n{response}");
        }

        if (findings.Undocumented.Count > 0)
        {
            Assert.Warn($"{response.Summary}: {findings.Undocumented.Count} undocumented properties (a failure under --strict-schema): {string.Join(", ", findings.Undocumented)}");
        }
    }

    private static long Long(JsonNode? node) => node is JsonValue v && v.TryGetValue<long>(out var n) ? n : -1;

    private static string Identity(JsonNode? item) => item?["id"]?.ToJsonString() ?? item?.ToJsonString() ?? "null";

    private static List<JsonObject> Items(ApiResponse response) => response.ListItems().ToList();

    /// <summary>
    /// A refusal the case expects: under a MUST rule any 4xx (the page names no code; the code is a SHOULD
    /// rule's), under a SHOULD rule the documented status itself.
    /// </summary>
    private void JudgeRefusal(ApiResponse response, int expected, string because)
    {
        if (AnomaliesConformance.Core.Checks.ConformanceRun.Current.Catalogue.Find(contractCase.Rule)?.IsMust == true)
        {
            response.ShouldBeRefused(because);
            return;
        }

        response.ShouldHaveStatus(expected, because);
    }

    private async Task<ApiResponse> SendValidAsync()
    {
        world.RequireCaller();
        var query = operation.IsRead ? requests.BaselineQuery() : requests.FullQuery();
        return await requests.SendAsync(Caller, await requests.PathAsync(), query, requests.ValidBody()?.ToJsonString());
    }

    /// <summary>Without a documented success answer there is no body to judge: inconclusive, with the answer.</summary>
    private static void RequireDocumentedSuccess(ApiResponse response, int expected)
    {
        if (response.Status != expected)
        {
            Assert.Inconclusive($"a valid request got {response.Status}, not the documented {expected}, so its answer cannot be judged here: {response}");
        }
    }

    /// <summary>The collection's path and scope: the reads world for the list (archived included), or an anomaly with history.</summary>
    private async Task<(string Path, List<(string Name, string Value)> Query)> CollectionAsync(bool listScope = true)
    {
        var query = new List<(string Name, string Value)>();
        if (operation.PathParameters.Count == 0)
        {
            if (listScope && world.ReadsDatastore is { } datastore)
            {
                query.Add(("datastore", datastore.ToString(CultureInfo.InvariantCulture)));
            }

            if (operation.QueryParameters.FirstOrDefault(p => p.Name == "archived")?.Schema.Enum.Any(e => SchemaValues.Text(SchemaValues.Any(e)) == "include") == true)
            {
                query.Add(("archived", "include"));
            }

            return (operation.Path, query);
        }

        // A per-anomaly collection (history) gets its items from writes to the anomaly, through the document's PUT.
        var path = await requests.PathAsync();
        if (world.Provisioned && operation.CollectionWriter(document) is { } put)
        {
            var target = path[..path.LastIndexOf('/')];
            for (var i = 0; i < 5; i++)
            {
                var body = new JsonObject { ["description"] = $"{contractCase.Name} edit {i}" };
                (await AnomaliesConformance.Core.Checks.ConformanceRun.Current.Api.SendAsync(Caller, put.Method, target, body.ToJsonString())).ShouldSucceed("writing history through the documented PUT");
            }
        }

        return (path, query);
    }

    private async Task<ApiResponse> ListAsync(string path, IEnumerable<(string Name, string Value)> query, long? datastore) =>
        (await requests.SendAsync(Caller, path, query.Append(("datastore", datastore?.ToString(CultureInfo.InvariantCulture) ?? "")), null))
        .ShouldSucceed($"listing datastore {datastore}");

    private void AssertOrdered(ApiResponse response, string field, bool ascending)
    {
        var items = Items(response);
        for (var i = 1; i < items.Count; i++)
        {
            // Where nulls go is LIST-SORT-NULLS'; the order of the values is this rule's.
            if (items[i - 1][field] is null || items[i][field] is null)
            {
                continue;
            }

            var order = Compare(items[i - 1][field], items[i][field]);
            if (ascending ? order > 0 : order < 0)
            {
                ResponseAssertions.Fail(
                    $"expected items ordered by {field} {(ascending ? "ascending" : "descending")}, but item {i - 1} ({items[i - 1][field]?.ToJsonString() ?? "null"}) comes before item {i} ({items[i][field]?.ToJsonString() ?? "null"})",
                    response);
            }
        }
    }

    /// <summary>Nulls first; numbers by value; strings ordinally (ISO timestamps of one format sort by time).</summary>
    private static int Compare(JsonNode? a, JsonNode? b)
    {
        if (a is null || b is null)
        {
            return (a is null ? 0 : 1) - (b is null ? 0 : 1);
        }

        if (a is JsonValue x && b is JsonValue y && x.TryGetValue<decimal>(out var m) && y.TryGetValue<decimal>(out var n))
        {
            return m.CompareTo(n);
        }

        if (Read.Instant(SchemaValues.Text(a)) is { } p && Read.Instant(SchemaValues.Text(b)) is { } q)
        {
            return p.CompareTo(q);
        }

        return string.CompareOrdinal(SchemaValues.Text(a), SchemaValues.Text(b));
    }

    /// <summary>
    /// The filtered page holds only matching items, and the matching items of the unfiltered page. A page that
    /// is full may have more behind it (a deployment holds more than a page): the unfiltered page is then not
    /// every item, so the filtered one may hold others; and a full filtered page need not hold them all.
    /// </summary>
    private static void AssertMatches(ApiResponse response, string parameter, string[] values, List<JsonObject> everything, Func<JsonObject, IEnumerable<string>> valuesOf)
    {
        var items = Items(response);
        var strangers = items.Where(i => !valuesOf(i).Intersect(values).Any()).Select(i => Identity(i)).ToList();
        ResponseAssertions.FailUnless(strangers.Count == 0, $"expected only items with {parameter} in [{string.Join(", ", values)}], but {string.Join(", ", strangers)} do not match", response);
        var expected = everything.Where(i => valuesOf(i).Intersect(values).Any()).Select(i => Identity(i)).Order(StringComparer.Ordinal).ToList();
        var actual = items.Select(i => Identity(i)).Order(StringComparer.Ordinal).ToList();
        if (everything.Count < ListPageSize)
        {
            ResponseAssertions.FailUnless(expected.SequenceEqual(actual),
                $"expected exactly the listed items with {parameter} in [{string.Join(", ", values)}] ({string.Join(", ", expected)}), but got {string.Join(", ", actual)}", response);
        }
        else if (items.Count < ListPageSize)
        {
            var missing = expected.Except(actual, StringComparer.Ordinal).ToList();
            ResponseAssertions.FailUnless(missing.Count == 0,
                $"expected every listed item with {parameter} in [{string.Join(", ", values)}], but {string.Join(", ", missing)} are missing from the filtered list", response);
        }
    }
}
