using System.Text.Json.Nodes;

namespace AnomaliesConformance.Suite.Support;

/// <summary>Where two JSON documents first differ (object keys in any order), so a failure names the field.</summary>
public static class JsonDiff
{
    /// <summary>The path and both values of the first difference, or null when the documents are equal.</summary>
    public static string? FirstDifference(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        switch (expected, actual)
        {
            case (null, null):
                return null;
            case (JsonObject e, JsonObject a):
                foreach (var key in e.Select(p => p.Key).Union(a.Select(p => p.Key)))
                {
                    if (!e.ContainsKey(key) || !a.ContainsKey(key))
                    {
                        return $"{path}.{key}: present in only one of them ({Show(e[key])} vs {Show(a[key])})";
                    }

                    if (FirstDifference(e[key], a[key], $"{path}.{key}") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case (JsonArray e, JsonArray a):
                if (e.Count != a.Count)
                {
                    return $"{path}: {e.Count} items vs {a.Count}";
                }

                for (var i = 0; i < e.Count; i++)
                {
                    if (FirstDifference(e[i], a[i], $"{path}[{i}]") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            default:
                return JsonNode.DeepEquals(expected, actual) ? null : $"{path}: {Show(expected)} vs {Show(actual)}";
        }
    }

    private static string Show(JsonNode? node) => node?.ToJsonString() ?? "null";
}
