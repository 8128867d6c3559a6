using System.Text.Json;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core.Http;

namespace AnomaliesConformance.Core.Checks;

/// <summary>
/// ledger.ndjson: every change the run makes, written as it goes and flushed line by line, so a run killed
/// half-way still tells `--sweep` what to remove. Secrets are redacted like every other output.
/// </summary>
public sealed class RunLedger : IDisposable
{
    private readonly StreamWriter writer;
    private readonly Lock gate = new();

    private readonly Uri target;

    public RunLedger(string path, string runId, Uri target)
    {
        writer = new StreamWriter(path, append: false) { AutoFlush = true };
        this.target = target;
        AlsoRun(runId);
    }

    /// <summary>A run id this run provisions under (its own; the second chance's): `--sweep` removes what each left.</summary>
    public void AlsoRun(string runId) =>
        Write(new JsonObject { ["kind"] = "run", ["run"] = runId, ["target"] = target.ToString(), ["started"] = DateTimeOffset.UtcNow.ToString("O") });

    /// <summary>Called for every exchange; keeps the ones that change the target.</summary>
    public void Observe(Exchange exchange)
    {
        if (exchange.Method == "GET" || exchange.Url.Contains("/_provisioning/inventory", StringComparison.Ordinal))
        {
            return;
        }

        var entry = new JsonObject
        {
            ["kind"] = exchange.Url.Contains("/_provisioning/", StringComparison.Ordinal) ? "provision" : "write",
            ["test"] = exchange.TestId,
            ["actor"] = exchange.Actor,
            ["method"] = exchange.Method,
            ["url"] = exchange.Url,
            ["status"] = exchange.Status,
        };
        if (exchange.Url.EndsWith("/_provisioning/batch", StringComparison.Ordinal) && TryParse(exchange.ResponseBody) is { } created)
        {
            entry["created"] = created;
        }

        Write(entry);
    }

    /// <summary>What a mutable anomaly held before a check wrote to it: `--sweep` puts it back if no `restored` follows.</summary>
    public void RestorePoint(string testId, long anomaly, JsonObject before) =>
        Write(new JsonObject { ["kind"] = "restore-point", ["test"] = testId, ["anomaly"] = anomaly, ["before"] = before.DeepClone() });

    public void Restored(string testId, long anomaly) =>
        Write(new JsonObject { ["kind"] = "restored", ["test"] = testId, ["anomaly"] = anomaly });

    /// <summary>A sacrificial anomaly given to a check, which may archive or delete it (nothing to put back).</summary>
    public void Sacrificed(string testId, long anomaly) =>
        Write(new JsonObject { ["kind"] = "sacrificed", ["test"] = testId, ["anomaly"] = anomaly });

    /// <summary>The restore points of a ledger with no `restored` after them, in order: what an interrupted run left changed.</summary>
    public static IReadOnlyList<(long Anomaly, JsonObject Before)> OpenRestorePoints(string path)
    {
        var open = new List<(string Test, long Anomaly, JsonObject Before)>();
        foreach (var line in File.ReadLines(path))
        {
            if (TryParse(line) is not JsonObject entry || entry["anomaly"]?.GetValue<long>() is not { } anomaly)
            {
                continue;
            }

            var test = entry["test"]?.GetValue<string>() ?? "";
            switch (entry["kind"]?.GetValue<string>())
            {
                case "restore-point" when entry["before"] is JsonObject before:
                    open.Add((test, anomaly, before));
                    break;
                case "restored":
                    open.RemoveAll(p => p.Test == test && p.Anomaly == anomaly);
                    break;
            }
        }

        // The earliest restore point of an anomaly is its state before the run touched it.
        return open.GroupBy(p => p.Anomaly).Select(g => (g.Key, g.First().Before)).ToList();
    }

    public void Teardown(string runId, JsonObject answer) =>
        Write(new JsonObject { ["kind"] = "teardown", ["run"] = runId, ["answer"] = answer.DeepClone() });

    public void Dispose()
    {
        lock (gate)
        {
            writer.Dispose();
        }
    }

    /// <summary>The runs and the target a ledger names (a ledger may hold several runs after appends).</summary>
    public static (IReadOnlyList<string> Runs, Uri? Target) Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new ConfigurationException($"--sweep: ledger {path} does not exist");
        }

        var runs = new List<string>();
        Uri? target = null;
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            // A run killed mid-write may leave a torn last line; earlier lines are whole (flushed one by one).
            if (TryParse(line) is not JsonObject entry)
            {
                continue;
            }

            if (entry["kind"]?.GetValue<string>() == "run" && entry["run"]?.GetValue<string>() is { } run)
            {
                runs.Add(run);
                if (entry["target"]?.GetValue<string>() is { } url && Uri.TryCreate(url, UriKind.Absolute, out var parsed))
                {
                    target = parsed;
                }
            }
        }

        return runs.Count > 0 ? (runs, target) : throw new ConfigurationException($"--sweep: {path} names no run ({number} lines)");
    }

    private void Write(JsonObject entry)
    {
        var line = entry.ToJsonString();
        lock (gate)
        {
            writer.WriteLine(line);
        }
    }

    private static JsonNode? TryParse(string? text)
    {
        try
        {
            return text is null ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
