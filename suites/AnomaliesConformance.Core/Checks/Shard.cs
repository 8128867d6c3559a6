using System.Globalization;

namespace AnomaliesConformance.Core.Checks;

/// <summary>One of <see cref="Count"/> parts of a run's checks (--shard i/n), numbered from 1.</summary>
public sealed record Shard(int Index, int Count)
{
    /// <summary>More parts than this would leave most shards with one fixture group or none.</summary>
    public const int MaxCount = 64;

    /// <summary>Reads "i/n" (1 &lt;= i &lt;= n &lt;= 64); anything else is a usage error naming --shard.</summary>
    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            throw new ConfigurationException($"--shard: '{text}' is not i/n (for example 2/4)");
        }

        if (count is < 1 or > MaxCount || index < 1 || index > count)
        {
            throw new ConfigurationException($"--shard: '{text}' is out of range: give i/n with 1 <= i <= n <= {MaxCount}");
        }

        return new Shard(index, count);
    }

    public override string ToString() => $"{Index.ToString(CultureInfo.InvariantCulture)}/{Count.ToString(CultureInfo.InvariantCulture)}";
}
