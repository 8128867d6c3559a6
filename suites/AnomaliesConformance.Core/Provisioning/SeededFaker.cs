using Bogus;
using Bogus.DataSets;

namespace AnomaliesConformance.Core.Provisioning;

/// <summary>
/// The Bogus data sets the suite draws from, made on first use, on one seeded randomizer. A whole
/// <see cref="Faker"/> builds some twenty data sets when made, about a millisecond each time: once per world
/// and per contract check, that was a fifth of a run's processor time.
/// </summary>
public sealed class SeededFaker(int seed)
{
    private Lorem? lorem;
    private Date? date;
    private Hacker? hacker;
    private Name? name;
    private Bogus.DataSets.Database? database;

    public Randomizer Random { get; } = new(seed);

    public Lorem Lorem => lorem ??= new Lorem { Random = Random };

    public Date Date => date ??= new Date { Random = Random };

    public Hacker Hacker => hacker ??= new Hacker { Random = Random };

    public Name Name => name ??= new Name { Random = Random };

    public Bogus.DataSets.Database Database => database ??= new Bogus.DataSets.Database { Random = Random };

    public T PickRandom<T>(IList<T> items) => Random.ListItem(items);

    public T PickRandom<T>(List<T> items) => Random.ListItem(items);

    public T PickRandom<T>(IEnumerable<T> items) => Random.ListItem(items.ToList());

    public T PickRandom<T>(params T[] items) => Random.ArrayElement(items);
}
