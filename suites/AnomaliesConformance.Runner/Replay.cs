using System.Globalization;
using System.Text.Json.Nodes;
using AnomaliesConformance.Runner.Reporting;
using AnomaliesConformance.Core.Targets;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core;

namespace AnomaliesConformance.Runner;

/// <summary>
/// `--replay FILE`: re-sends the exchanges of one test of an earlier run against the target.
///
/// The recorded exchanges cannot be re-sent byte for byte: their tokens are redacted, and the ids in
/// them belong to a world that only existed on the earlier target. So a replay re-runs that one test
/// with the recorded seed (and, on the embedded reference server, the recorded faults): the test
/// provisions the same world again, through the current run's cast and tokens, and sends the same
/// requests in the same order. Afterwards the recorded and the new exchanges are listed side by side.
/// </summary>
public sealed record ReplayPlan(string RunDirectory, int Seed, IReadOnlyList<string> Faults, string TestId, string TestName, string RecordedVerdict)
{
    /// <summary>Reads the earlier run (a run folder, or its results.json or exchanges.ndjson) and picks the test to replay.</summary>
    public static ReplayPlan Load(string path, string? testSelector)
    {
        var directory = Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var resultsPath = Path.Combine(directory, "results.json");
        if (!File.Exists(resultsPath) || !File.Exists(Path.Combine(directory, "exchanges.ndjson")))
        {
            throw new ConfigurationException($"--replay: {path} is not a run's report folder (or a file in one): results.json and exchanges.ndjson are needed beside it");
        }

        var results = JsonNode.Parse(File.ReadAllText(resultsPath))!.AsObject();
        var tests = results["tests"]!.AsArray().Select(t => (
            Id: t!["id"]!.GetValue<string>(),
            Name: t["name"]!.GetValue<string>(),
            Verdict: t["verdict"]!.GetValue<string>())).ToList();
        var failing = tests.Where(t => t.Verdict is Verdicts.Failed or Verdicts.TargetError or Verdicts.Waived).ToList();
        var candidates = testSelector is null
            ? failing
            : tests.Where(t => t.Id == testSelector || t.Name == testSelector).ToList() is { Count: > 0 } exact
                ? exact
                : tests.Where(t => t.Id.Contains(testSelector, StringComparison.OrdinalIgnoreCase)).ToList();
        if (candidates.Count != 1)
        {
            var listed = (testSelector is null ? failing : candidates).Take(20).Select(t => $"\n  {t.Verdict,-12} {t.Id}");
            throw new ConfigurationException(candidates.Count == 0
                ? testSelector is null
                    ? $"--replay: no test failed in {directory}; name one with --test"
                    : $"--replay: no test of {directory} matches --test '{testSelector}'"
                : $"--replay: {candidates.Count} tests match; choose one with --test ID:" + string.Concat(listed));
        }

        var chosen = candidates[0];
        return new ReplayPlan(
            directory,
            results["seed"]!.GetValue<int>(),
            results["reference_faults"]!.AsArray().Select(f => f!.GetValue<string>()).ToList(),
            chosen.Id,
            chosen.Name,
            chosen.Verdict);
    }

    /// <summary>Prints the recorded exchanges of the test beside the replayed ones, and the verdict then and now.</summary>
    public void WriteComparison(string replayDirectory, TextWriter console)
    {
        var before = ExchangesOf(RunDirectory);
        var after = ExchangesOf(replayDirectory);
        var now = JsonNode.Parse(File.ReadAllText(Path.Combine(replayDirectory, "results.json")))!["tests"]!.AsArray()
            .FirstOrDefault(t => t!["id"]!.GetValue<string>() == TestId);
        console.WriteLine();
        console.WriteLine($"Replay of {TestId} (seed {Seed.ToString(CultureInfo.InvariantCulture)}{(Faults.Count > 0 ? ", reference faults " + string.Join(",", Faults) : "")})");
        console.WriteLine($"  {"#",3}  {"recorded",-62} {"status",6}  {"replayed",-62} {"status",6}");
        for (var i = 0; i < Math.Max(before.Count, after.Count); i++)
        {
            var (recorded, recordedStatus) = i < before.Count ? before[i] : ("", "");
            var (replayed, replayedStatus) = i < after.Count ? after[i] : ("", "");
            var marker = recordedStatus == replayedStatus && recorded == replayed ? " " : "*";
            console.WriteLine($"{marker} {i + 1,3}  {Cut(recorded, 62),-62} {recordedStatus,6}  {Cut(replayed, 62),-62} {replayedStatus,6}");
        }

        var verdict = now?["verdict"]?.GetValue<string>() ?? "not run";
        console.WriteLine($"  was {RecordedVerdict}, now {verdict}" + (now?["message"]?.GetValue<string>() is { } message ? ": " + message.Split('\n')[0] : ""));
    }

    private List<(string Request, string Status)> ExchangesOf(string directory)
    {
        var exchanges = new List<(long Sequence, string Request, string Status)>();
        foreach (var line in File.ReadLines(Path.Combine(directory, "exchanges.ndjson")))
        {
            if (string.IsNullOrWhiteSpace(line) || JsonNode.Parse(line) is not JsonObject exchange || exchange["testId"]?.GetValue<string>() != TestId)
            {
                continue;
            }

            // Hosts and ports differ between runs; the path and query are what the test sent.
            var url = new Uri(exchange["url"]!.GetValue<string>());
            var status = exchange["transportError"] is JsonValue ? "none" : exchange["status"]!.GetValue<int>().ToString(CultureInfo.InvariantCulture);
            exchanges.Add((exchange["sequence"]!.GetValue<long>(), $"{exchange["purpose"]} {exchange["actor"]} {exchange["method"]} {url.PathAndQuery}", status));
        }

        return exchanges.OrderBy(e => e.Sequence).Select(e => (e.Request, e.Status)).ToList();
    }

    private static string Cut(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
