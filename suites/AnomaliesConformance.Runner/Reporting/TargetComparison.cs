using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AnomaliesConformance.Core;
using AnomaliesConformance.Core.Http;

namespace AnomaliesConformance.Runner.Reporting;

/// <summary>One exchange as the comparison shows it: the request, the answer's status and a short excerpt of its body.</summary>
public sealed record ComparedExchange(long Sequence, string Actor, string Method, string Path, int Status, string Outcome, string BodyExcerpt);

/// <summary>A check of a rule whose verdict differs, with the exchange that decided it on the side that did not pass and its counterpart.</summary>
public sealed record CheckVerdictDifference(string Check, string PrimaryVerdict, string ComparedVerdict, string? PrimaryMessage, string? ComparedMessage, ComparedExchange? Primary, ComparedExchange? Compared);

/// <summary>The same request of the same check, answered with another status or another body shape (or sent by one run only).</summary>
public sealed record AnswerDifference(string Check, IReadOnlyList<string> Differs, ComparedExchange? Primary, ComparedExchange? Compared, IReadOnlyList<string> ShapeOnlyPrimary, IReadOnlyList<string> ShapeOnlyCompared)
{
    public const string Status = "status";
    public const string Shape = "shape";
    /// <summary>The request was sent in one run only (one check sent more requests than the other).</summary>
    public const string Unpaired = "unpaired";
}

/// <summary>A rule listed by the comparison: its verdicts differ, or its checks' answers do.</summary>
public sealed record RuleDifference(
    string Rule,
    string Level,
    string Summary,
    string PrimaryVerdict,
    string ComparedVerdict,
    IReadOnlyList<CheckVerdictDifference> Checks,
    IReadOnlyList<AnswerDifference> Answers)
{
    public bool VerdictDiffers => PrimaryVerdict != ComparedVerdict;
}

/// <summary>One side of the comparison: a finished run's report folder (below the comparison's folder) and what it was run against.</summary>
public sealed record ComparedSide(string Folder, string Target, bool Conformant, IReadOnlyList<string> ReferenceFaults, int ExitCode);

/// <summary>
/// Two runs of the same checks with the same seed against two targets (--compare-target), compared rule by rule:
/// every rule whose verdicts differ, and every rule one of whose checks got another status or another body shape
/// for the same request, or sent a request the other run did not (<see cref="Pair"/>, <see cref="ShapeOf"/>). A
/// retried request counts with its last attempt; a check that lost an answer on the way is compared by verdict only.
/// Provisioning exchanges are the suite's own set-up and are left out; their effect shows as a verdict.
/// </summary>
public sealed record TargetComparison(int Seed, ComparedSide Primary, ComparedSide Compared, int RulesCompared, IReadOnlyList<RuleDifference> Rules)
{
    public const string SchemaId = "anomalies-conformance/comparison/v1";
    private const int ExcerptChars = 240;

    public IReadOnlyList<RuleDifference> VerdictDifferences => Rules.Where(r => r.VerdictDiffers).ToList();

    public IReadOnlyList<RuleDifference> AnswerDifferences => Rules.Where(r => r.Answers.Count > 0).ToList();

    /// <summary>Compares the runs in two report folders; <paramref name="runIds"/> are the runs' names, left out of paths and keys like ids.</summary>
    public static TargetComparison Of(ComparedSide primary, ComparedSide compared, string comparisonFolder, IReadOnlyCollection<string> runIds)
    {
        var primaryRun = RunRecord.Load(Path.Combine(comparisonFolder, primary.Folder), runIds);
        var comparedRun = RunRecord.Load(Path.Combine(comparisonFolder, compared.Folder), runIds);
        comparedRun.Verdicts.EnsureSameCatalogue(primaryRun.Verdicts.Rules.Select(r => r.Id), "--compare-target", primaryRun.Verdicts.Path);
        var comparedVerdicts = comparedRun.Verdicts.Rules.ToDictionary(r => r.Id, StringComparer.Ordinal);

        // A check that lost an answer on the way (and may have run again) says nothing of either target's answers
        // request by request: only its verdict is compared.
        var answersByCheck = primaryRun.Tests.Keys.Intersect(comparedRun.Tests.Keys, StringComparer.Ordinal)
            .Where(check => !primaryRun.ExchangesOf(check).Concat(comparedRun.ExchangesOf(check)).Any(e => e.Lost))
            .ToDictionary(check => check, check => CompareAnswers(check, primaryRun.ExchangesOf(check), comparedRun.ExchangesOf(check)), StringComparer.Ordinal);

        var rules = new List<RuleDifference>();
        var comparedCount = 0;
        foreach (var rule in primaryRun.Verdicts.Rules)
        {
            var other = comparedVerdicts[rule.Id];
            if (rule.Verdict != Core.Checks.Verdicts.Skipped || other.Verdict != Core.Checks.Verdicts.Skipped)
            {
                comparedCount++;
            }

            var checks = primaryRun.Tests.Values.Where(t => t.Rules.Contains(rule.Id)).Select(t => t.Id)
                .Union(comparedRun.Tests.Values.Where(t => t.Rules.Contains(rule.Id)).Select(t => t.Id))
                .Order(StringComparer.Ordinal)
                .ToList();
            var answers = checks.SelectMany(c => answersByCheck.GetValueOrDefault(c) ?? []).ToList();
            var checkDifferences = rule.Verdict == other.Verdict
                ? []
                : checks.Select(c => CheckDifference(c, primaryRun, comparedRun)).OfType<CheckVerdictDifference>().ToList();
            if (rule.Verdict != other.Verdict || answers.Count > 0)
            {
                rules.Add(new RuleDifference(rule.Id, rule.Level, rule.Summary, rule.Verdict, other.Verdict, checkDifferences, answers));
            }
        }

        return new TargetComparison(primaryRun.Seed, primary with { Target = primaryRun.Verdicts.Target }, compared with { Target = comparedRun.Verdicts.Target }, comparedCount, rules);
    }

    /// <summary>A check whose verdicts differ: the exchange that decided it where it did not pass, and the same request of the other run.</summary>
    private static CheckVerdictDifference? CheckDifference(string check, RunRecord primary, RunRecord compared)
    {
        var mine = primary.Tests.GetValueOrDefault(check);
        var theirs = compared.Tests.GetValueOrDefault(check);
        var myVerdict = mine?.Verdict ?? "not run";
        var theirVerdict = theirs?.Verdict ?? "not run";
        if (myVerdict == theirVerdict)
        {
            return null;
        }

        var pairs = Pair(primary.ExchangesOf(check), compared.ExchangesOf(check));
        // The side that did not pass tells where the check stopped; with both not passing, the primary's.
        var decisive = myVerdict != Core.Checks.Verdicts.Passed && mine?.LastExchange is { } a ? (Sequence: a, Primary: true)
            : theirs?.LastExchange is { } b ? (Sequence: b, Primary: false)
            : ((long Sequence, bool Primary)?)null;
        var pair = decisive is { } d
            ? pairs.FirstOrDefault(p => d.Primary ? p.Primary?.Sequence == d.Sequence : p.Compared?.Sequence == d.Sequence)
            : default;
        return new CheckVerdictDifference(check, myVerdict, theirVerdict, Shorten(mine?.Message), Shorten(theirs?.Message), pair.Primary?.Shown, pair.Compared?.Shown);
    }

    private static List<AnswerDifference> CompareAnswers(string check, IReadOnlyList<RecordedExchange> primary, IReadOnlyList<RecordedExchange> compared)
    {
        var differences = new List<AnswerDifference>();
        foreach (var (mine, theirs) in Pair(primary, compared))
        {
            if (mine is null || theirs is null)
            {
                differences.Add(new AnswerDifference(check, [AnswerDifference.Unpaired], mine?.Shown, theirs?.Shown, [], []));
                continue;
            }

            var differs = new List<string>();
            if (mine.Status != theirs.Status)
            {
                differs.Add(AnswerDifference.Status);
            }

            var onlyMine = ShapeOnlyIn(mine.Shape, theirs.Shape);
            var onlyTheirs = ShapeOnlyIn(theirs.Shape, mine.Shape);
            if (onlyMine.Count > 0 || onlyTheirs.Count > 0)
            {
                differs.Add(AnswerDifference.Shape);
            }

            if (differs.Count > 0)
            {
                differences.Add(new AnswerDifference(check, differs, mine.Shown, theirs.Shown, onlyMine, onlyTheirs));
            }
        }

        return differences;
    }

    /// <summary>
    /// Pairs each request of a check in the primary run with the same request of the compared run: the same method,
    /// actor, path (ids, UUIDs and run names left out) and query parameter names. Among several such requests (a
    /// check's independent reads go out together, in either order) it prefers, in turn, the same query values and
    /// the same answer, the same answer, the same query values, and the first one left. A pairing that prefers equal
    /// answers hides no difference: what one run got and the other did not is left over either way. Pairs come in
    /// the primary run's order, then the compared run's unpaired requests.
    /// </summary>
    public static List<(RecordedExchange? Primary, RecordedExchange? Compared)> Pair(IReadOnlyList<RecordedExchange> primary, IReadOnlyList<RecordedExchange> compared)
    {
        var left = compared.ToList();
        var pairs = new List<(RecordedExchange?, RecordedExchange?)>();
        foreach (var mine in primary)
        {
            var same = left.Where(e => e.Key == mine.Key).ToList();
            var match = same.FirstOrDefault(e => e.Request == mine.Request && SameAnswer(e, mine))
                ?? same.FirstOrDefault(e => SameAnswer(e, mine))
                ?? same.FirstOrDefault(e => e.Request == mine.Request)
                ?? same.FirstOrDefault();
            if (match is not null)
            {
                left.Remove(match);
            }

            pairs.Add((mine, match));
        }

        pairs.AddRange(left.Select(e => ((RecordedExchange?)null, (RecordedExchange?)e)));
        return pairs;
    }

    private static bool SameAnswer(RecordedExchange a, RecordedExchange b) =>
        a.Status == b.Status && ShapeOnlyIn(a.Shape, b.Shape).Count == 0 && ShapeOnlyIn(b.Shape, a.Shape).Count == 0;

    /// <summary>
    /// The key paths of <paramref name="mine"/> missing from <paramref name="theirs"/>; an empty array says nothing of
    /// its elements' shape, so the paths below an array that is empty in <paramref name="theirs"/> do not count.
    /// </summary>
    public static List<string> ShapeOnlyIn(IReadOnlySet<string> mine, IReadOnlySet<string> theirs) =>
        mine.Where(path => !theirs.Contains(path) && !BelowAnEmptyArray(path, theirs)).ToList();

    private static bool BelowAnEmptyArray(string path, IReadOnlySet<string> shape)
    {
        for (var at = path.IndexOf("[]", StringComparison.Ordinal); at >= 0; at = path.IndexOf("[]", at + 2, StringComparison.Ordinal))
        {
            var array = path[..at];
            var elements = path[..(at + 2)];
            if (shape.Contains(array + ": array") && !shape.Any(p => p.StartsWith(elements, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The shape of a body: every JSON key path with the kind of its value ("$.items[].id: number"), array elements
    /// merged under "[]", object keys that are data (numbers, UUIDs, names carrying the run's name) as "{key}". Values
    /// (ids, times, names) are not part of it, so the same answer from two servers has the same shape.
    /// </summary>
    public static IReadOnlySet<string> ShapeOf(string? body, bool truncated, IReadOnlyCollection<string> runIds)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return new SortedSet<string>(StringComparer.Ordinal) { "(no body)" };
        }

        if (truncated)
        {
            return new SortedSet<string>(StringComparer.Ordinal) { "(body cut off)" };
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return new SortedSet<string>(StringComparer.Ordinal) { "(not JSON)" };
        }

        var shape = new SortedSet<string>(StringComparer.Ordinal);
        Walk(node, "$", shape, runIds);
        return shape;
    }

    private static void Walk(JsonNode? node, string path, SortedSet<string> shape, IReadOnlyCollection<string> runIds)
    {
        switch (node)
        {
            case null:
                shape.Add($"{path}: null");
                break;
            case JsonObject obj:
                shape.Add($"{path}: object");
                foreach (var (key, value) in obj)
                {
                    Walk(value, $"{path}.{DataKey(key, runIds)}", shape, runIds);
                }

                break;
            case JsonArray array:
                shape.Add($"{path}: array");
                foreach (var item in array)
                {
                    Walk(item, path + "[]", shape, runIds);
                }

                break;
            default:
                shape.Add($"{path}: {node.GetValueKind() switch
                {
                    JsonValueKind.String => "string",
                    JsonValueKind.Number => "number",
                    JsonValueKind.True or JsonValueKind.False => "boolean",
                    _ => "null",
                }}");
                break;
        }
    }

    private static readonly Regex Uuid = new("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", RegexOptions.Compiled);

    private static string DataKey(string key, IReadOnlyCollection<string> runIds) =>
        runIds.Any(id => key.Contains(id, StringComparison.Ordinal)) || Uuid.IsMatch(key) || key.All(char.IsAsciiDigit) && key.Length > 0 ? "{key}" : key;

    /// <summary>
    /// What pairs a request across runs: its path with the segments that name data (numbers, UUIDs, run names) left
    /// out, and its query's parameter names (<paramref name="request"/>: the same with the query's values, run names left out).
    /// </summary>
    public static string PathKey(string pathAndQuery, IReadOnlyCollection<string> runIds, out string request)
    {
        var named = runIds.Aggregate(pathAndQuery, (text, id) => text.Replace(id, "{run}", StringComparison.Ordinal));
        var question = named.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? named : named[..question];
        var query = question < 0 ? "" : named[(question + 1)..];
        var segments = string.Join('/', path.Split('/').Select(s => s.Length > 0 && (s.All(char.IsAsciiDigit) || Uuid.IsMatch(s) || s.Contains("{run}", StringComparison.Ordinal)) ? "{id}" : s));
        var names = query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)[0]).Order(StringComparer.Ordinal);
        request = question < 0 ? segments : segments + "?" + query;
        return segments + "?" + string.Join('&', names);
    }

    private const int MessageChars = 600;

    private static string? Shorten(string? message) => message is null || message.Length <= MessageChars ? message : message[..MessageChars] + "...";

    private static string Excerpt(string? body) => body is null ? "" : body.Length <= ExcerptChars ? body : body[..ExcerptChars] + $"... ({body.Length} chars)";

    /// <summary>A recorded exchange of a check, with what pairing and comparing need.</summary>
    /// <param name="Key">Method, path without data, query parameter names and actor: what must be the same for two requests to pair.</param>
    /// <param name="Request">Method, path without data, and the whole query: what pairs best.</param>
    /// <param name="Lost">No whole answer arrived (a reset, a timeout).</param>
    public sealed record RecordedExchange(long Sequence, string Key, string Request, int Status, bool Lost, IReadOnlySet<string> Shape, ComparedExchange Shown);

    private sealed record RecordedTest(string Id, IReadOnlySet<string> Rules, string Verdict, string? Message, long? LastExchange);

    /// <summary>What the comparison reads of a finished run's folder: results.json (verdicts, checks) and exchanges.ndjson.</summary>
    private sealed class RunRecord
    {
        public required RecordedRun Verdicts { get; init; }
        public required int Seed { get; init; }
        public required Dictionary<string, RecordedTest> Tests { get; init; }
        public required Dictionary<string, List<RecordedExchange>> Exchanges { get; init; }

        public IReadOnlyList<RecordedExchange> ExchangesOf(string check) => Exchanges.GetValueOrDefault(check) ?? [];

        public static RunRecord Load(string folder, IReadOnlyCollection<string> runIds)
        {
            var verdicts = RecordedRun.Load(folder, "--compare-target");
            var results = JsonNode.Parse(File.ReadAllText(verdicts.Path))!;
            var tests = new Dictionary<string, RecordedTest>(StringComparer.Ordinal);
            foreach (var test in results["tests"]?.AsArray() ?? [])
            {
                var id = test!["id"]!.GetValue<string>();
                tests[id] = new RecordedTest(
                    id,
                    (test["rules"]?.AsArray() ?? []).Select(r => r!.GetValue<string>()).ToHashSet(StringComparer.Ordinal),
                    test["verdict"]!.GetValue<string>(),
                    test["message"]?.GetValue<string>(),
                    test["last_exchange"]?["sequence"]?.GetValue<long>());
            }

            var exchanges = new Dictionary<string, List<RecordedExchange>>(StringComparer.Ordinal);
            var all = ExchangeRecorder.ReadNdjson(Path.Combine(folder, "exchanges.ndjson"));
            foreach (var check in all.Where(e => tests.ContainsKey(e.TestId) && e.Purpose != ExchangePurpose.Provision).GroupBy(e => e.TestId))
            {
                exchanges[check.Key] = LastAttempts(check.OrderBy(e => e.Sequence).ToList())
                    .Select(e => Recorded(e, runIds))
                    .ToList();
            }

            return new RunRecord { Verdicts = verdicts, Seed = results["seed"]?.GetValue<int>() ?? 0, Tests = tests, Exchanges = exchanges };
        }

        /// <summary>A request sent again (after a 429, a 503 or a lost answer) counts once, with its last attempt.</summary>
        private static List<Exchange> LastAttempts(List<Exchange> exchanges)
        {
            var kept = new List<Exchange>(exchanges);
            foreach (var retry in exchanges.Where(e => e.Attempt > 1))
            {
                var earlier = kept.LastOrDefault(e => e.Sequence < retry.Sequence && e.Attempt == retry.Attempt - 1 && e.Method == retry.Method && e.Url == retry.Url && e.Actor == retry.Actor);
                if (earlier is not null)
                {
                    kept.Remove(earlier);
                }
            }

            return kept;
        }

        private static RecordedExchange Recorded(Exchange e, IReadOnlyCollection<string> runIds)
        {
            var path = Uri.TryCreate(e.Url, UriKind.Absolute, out var url) ? url.PathAndQuery : e.Url;
            var shown = new ComparedExchange(e.Sequence, e.Actor, e.Method, path, e.Status, e.Outcome, Excerpt(e.ResponseBody));
            var key = PathKey(path, runIds, out var request);
            return new RecordedExchange(e.Sequence, $"{e.Method} {key} as {e.Actor}", $"{e.Method} {request}", e.Status, e.TransportError is not null, ShapeOf(e.ResponseBody, e.ResponseBodyTruncated, runIds), shown);
        }
    }
}
