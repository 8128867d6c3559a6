namespace AnomaliesConformance.Core.Discovery;

public static class RoundRobin
{
    /// <summary>
    /// Up to <paramref name="count"/> items taken in turn from each group, in the order the groups and their
    /// items come: a survey or a proposal then covers the rare kinds, not only the common one.
    /// </summary>
    public static List<T> Take<T, TKey>(IEnumerable<T> items, Func<T, TKey> group, int count)
    {
        var queues = items.GroupBy(group).Select(g => new Queue<T>(g)).ToList();
        var taken = new List<T>();
        while (taken.Count < count && queues.Any(q => q.Count > 0))
        {
            foreach (var queue in queues.Where(q => q.Count > 0 && taken.Count < count))
            {
                taken.Add(queue.Dequeue());
            }
        }

        return taken;
    }
}
