using Bogus;
using Bogus.DataSets;

namespace AnomaliesConformance.Suite.Contract;

/// <summary>
/// The few Bogus data sets the generated requests draw from, on one seeded randomizer. A whole
/// <see cref="Faker"/> builds some twenty data sets when made, about a millisecond each time: once per
/// contract check, that was a fifth of a run's processor time.
/// </summary>
public sealed class SeededFaker(int seed)
{
    private Lorem? lorem;
    private Date? date;

    public Randomizer Random { get; } = new(seed);

    public Lorem Lorem => lorem ??= new Lorem { Random = Random };

    public Date Date => date ??= new Date { Random = Random };

    public T PickRandom<T>(IList<T> items) => Random.ListItem(items);

    public T PickRandom<T>(List<T> items) => Random.ListItem(items);

    public T PickRandom<T>(IEnumerable<T> items) => Random.ListItem(items.ToList());

    public T PickRandom<T>(params T[] items) => Random.ArrayElement(items);
}
