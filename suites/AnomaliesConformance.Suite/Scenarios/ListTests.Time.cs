using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Scenarios;

public sealed partial class ListTests
{
    // Whole microseconds: the contract's timestamps carry six fraction digits.
    private static readonly DateTimeOffset Boundary = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero).AddTicks(1_234_560);
    private static readonly TimeSpan Microsecond = TimeSpan.FromTicks(10);

    /// <summary>
    /// Anomalies an hour and a microsecond before the boundary, at it, and an hour after it, with their creation
    /// times as the target reads them back; on existing data, four created at distinct times, the last two
    /// less than three hours apart.
    /// </summary>
    private static async Task<(World World, Dictionary<string, DateTimeOffset> Created)> ProvisionAroundBoundaryAsync()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("hour-before", Created(Boundary.AddHours(-1)))
            .Anomaly("just-before", Created(Boundary - Microsecond))
            .Anomaly("at", Created(Boundary))
            .Anomaly("hour-after", Created(Boundary.AddHours(1)))
            .OnExisting(ExistingNeeds.CreatedAroundABound));
        return (world, await CreatedAsync(world));
    }

    /// <summary>
    /// Anomalies days apart (a week each side of the boundary when provisioned), and the instant halfway between
    /// their creation times as the target reads them back: far from both, where any reading of the time filters agrees.
    /// </summary>
    private static async Task<(World World, string Halfway)> ProvisionDaysApartAsync()
    {
        var world = await ProvisionAsync(b => b
            .Anomaly("week-before", Created(Boundary.AddDays(-7)))
            .Anomaly("week-after", Created(Boundary.AddDays(7)))
            .OnExisting(ExistingNeeds.CreatedDaysApart));
        var created = await CreatedAsync(world);
        var halfway = created["week-before"] + ((created["week-after"] - created["week-before"]) / 2);
        return (world, WorldBuilder.Timestamp(halfway));
    }

    /// <summary>
    /// When each of the world's anomalies was created. A provisioned world's are the times its specs chose: what
    /// the target was told to store, and what its filters compare, however it serves them back (that is
    /// ANOMALY-CREATED-ISO8601's and TIMESTAMPS-MICROSECONDS's to judge, not the filters'). Existing anomalies'
    /// are what an Admin reads back: nobody chose them.
    /// </summary>
    private static async Task<Dictionary<string, DateTimeOffset>> CreatedAsync(World world)
    {
        var keys = world.Anomalies.Keys.ToList();
        if (!world.IsExisting && keys.All(key => world.Specs[key].Created is not null))
        {
            return keys.ToDictionary(key => key, key => world.Specs[key].Created!.Value);
        }

        var anomalies = await Task.WhenAll(keys.Select(key => SnapshotAsync(world[key])));
        return keys.Zip(anomalies).ToDictionary(
            p => p.First,
            p => Read.Instant(p.Second["created"]?.ToString()) ?? Read.Blocked<DateTimeOffset>("ANOMALY-CREATED-ISO8601", $"the creation time of anomaly {world[p.First].Id}", null));
    }

    /// <summary>
    /// Whether the creation times read back show microseconds: a target that keeps them (TIMESTAMPS-MICROSECONDS)
    /// can be judged a microsecond from a bound. One that shows whole seconds may be rounding what it holds, so a
    /// bound a microsecond away from what it shows says nothing.
    /// </summary>
    private static bool ShowsMicroseconds(Dictionary<string, DateTimeOffset> created) => created.Values.Any(c => c.UtcTicks % TimeSpan.TicksPerSecond != 0);

    /// <summary>Lists with <paramref name="parameter"/>=<paramref name="value"/> and expects exactly the world's anomalies whose creation time, as read back, it <paramref name="keeps"/>.</summary>
    private static Task ShouldListCreatedAsync(World world, Dictionary<string, DateTimeOffset> created, string parameter, string value, Func<DateTimeOffset, bool> keeps, string because) =>
        ShouldListExactlyAsync(
            world,
            [.. created.Where(c => keeps(c.Value)).Select(c => c.Key)],
            $"{parameter}={value} {because} (created: {string.Join(", ", created.Select(c => $"{c.Key} {WorldBuilder.Timestamp(c.Value)}"))})",
            (parameter, value));

    [Test]
    [Rule("LIST-START-DATE-APPLIES")]
    public async Task Start_date_keeps_what_was_created_after_it_and_drops_what_was_created_before()
    {
        var (world, halfway) = await ProvisionDaysApartAsync();

        await ShouldListExactlyAsync(world, ["week-after"], $"start_date={halfway} is a lower bound on created", ("start_date", halfway));
    }

    [Test]
    [Rule("LIST-END-DATE-APPLIES")]
    public async Task End_date_keeps_what_was_created_before_it_and_drops_what_was_created_after()
    {
        var (world, halfway) = await ProvisionDaysApartAsync();

        await ShouldListExactlyAsync(world, ["week-before"], $"end_date={halfway} is an upper bound on created", ("end_date", halfway));
    }

    [Test]
    [Rule("LIST-CREATED-DATE-APPLIES")]
    public async Task Created_date_keeps_the_anomalies_of_that_day_and_drops_those_a_week_away()
    {
        // On existing data, one created within six hours of noon UTC and two created a day or more outside its
        // day: any reading of the day keeps the first alone.
        var noon = new DateTimeOffset(2026, 3, 3, 12, 0, 0, TimeSpan.Zero);
        var world = await ProvisionAsync(b => b
            .Anomaly("week-before", Created(noon.AddDays(-7)))
            .Anomaly("that-day", Created(noon))
            .Anomaly("week-after", Created(noon.AddDays(7)))
            .OnExisting(ExistingNeeds.CreatedOnADayAndDaysAway));
        var day = DayOf((await CreatedAsync(world))["that-day"]);

        await ShouldListExactlyAsync(world, ["that-day"], $"created_date={day} keeps that day's anomalies and drops those days away", ("created_date", day));
    }

    [Test]
    [Rule("LIST-TIMEFRAME-APPLIES")]
    public async Task Timeframe_keeps_recent_anomalies_and_drops_old_ones()
    {
        var now = DateTimeOffset.UtcNow;
        var world = await ProvisionAsync(b => b
            .Anomaly("2-hours", Created(now.AddHours(-2)))
            .Anomaly("2-years", Created(now.AddDays(-730)))
            .OnExisting(ExistingNeeds.CreatedRecentlyAndLongAgo));

        // Far from every frame's edge, where any reading of its length agrees: within half of it, past one and a half.
        await ShouldKeepByTimeframeAsync(world, length => (length / 2, length * 1.5));
    }

    [Test]
    [Rule("LIST-FILTER-START-DATE")]
    public async Task Start_date_is_an_inclusive_lower_bound_on_created()
    {
        var (world, created) = await ProvisionAroundBoundaryAsync();
        var bound = created["at"];
        await FilterAppliesAsync(world, "start_date", bound, "hour-before", "LIST-START-DATE-APPLIES");

        await ShouldListCreatedAsync(world, created, "start_date", WorldBuilder.Timestamp(bound), c => c >= bound, "keeps anomalies created at or after it");
        if (ShowsMicroseconds(created))
        {
            await ShouldListCreatedAsync(world, created, "start_date", WorldBuilder.Timestamp(bound + Microsecond), c => c >= bound + Microsecond, "drops an anomaly created a microsecond before it");
        }
    }

    [Test]
    [Rule("LIST-FILTER-END-DATE")]
    public async Task End_date_is_an_exclusive_upper_bound_on_created()
    {
        var (world, created) = await ProvisionAroundBoundaryAsync();
        var bound = created["at"];
        await FilterAppliesAsync(world, "end_date", bound, "hour-after", "LIST-END-DATE-APPLIES");

        await ShouldListCreatedAsync(world, created, "end_date", WorldBuilder.Timestamp(bound), c => c < bound, "keeps anomalies created before it, not at it");
        if (ShowsMicroseconds(created))
        {
            await ShouldListCreatedAsync(world, created, "end_date", WorldBuilder.Timestamp(bound + Microsecond), c => c < bound + Microsecond, "keeps an anomaly created a microsecond before it");
        }
    }

    [Test]
    [Rule("LIST-DATE-FORMATS")]
    public async Task Start_and_end_date_accept_an_offset_other_than_z_and_a_date_alone()
    {
        var (world, created) = await ProvisionAroundBoundaryAsync();
        await FilterAppliesAsync(world, "start_date", created["at"], "hour-before", "LIST-START-DATE-APPLIES");
        await FilterAppliesAsync(world, "end_date", created["at"], "hour-after", "LIST-END-DATE-APPLIES");
        // Halfway from "at" to "hour-after" (half an hour after the boundary when provisioned), to the whole
        // microsecond, written at +02:00: the same instant as its UTC form. No anomaly sits there, so the filters'
        // own bounds (inclusive or exclusive) do not matter here; read as a UTC wall time it lands two hours
        // later, past "hour-after" (created less than three hours after "at").
        var halfway = created["at"] + TimeSpan.FromTicks((created["hour-after"] - created["at"]).Ticks / 2 / Microsecond.Ticks * Microsecond.Ticks);
        var shifted = halfway.ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", System.Globalization.CultureInfo.InvariantCulture);

        await ShouldListCreatedAsync(world, created, "start_date", shifted, c => c >= halfway, "is halfway from \"at\" to \"hour-after\"");
        await ShouldListCreatedAsync(world, created, "end_date", shifted, c => c < halfway, "is halfway from \"at\" to \"hour-after\"");
        // A date alone is its midnight in UTC: that of the day "at" was created on (before every anomaly of a
        // provisioned world) and that of the next day (after them).
        foreach (var day in new[] { DayOf(created["at"]), DayOf(created["at"].AddDays(1)) })
        {
            var midnight = DateTimeOffset.Parse(day + "T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
            await ShouldListCreatedAsync(world, created, "start_date", day, c => c >= midnight, "is midnight UTC of that day");
        }
    }

    [Test]
    [Rule("LIST-FILTER-CREATED-DATE")]
    public async Task Created_date_keeps_the_anomalies_of_that_utc_day()
    {
        // On existing data, five created in a row around the day of the middle one (the nearest its edges the
        // datastore holds), and two created a day or more outside it.
        var midnight = new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero);
        var world = await ProvisionAsync(b => b
            .Anomaly("week-before", Created(midnight.AddDays(-7)))
            .Anomaly("day-before", Created(midnight - Microsecond))
            .Anomaly("midnight", Created(midnight))
            .Anomaly("noon", Created(midnight.AddHours(12)))
            .Anomaly("last-microsecond", Created(midnight.AddDays(1) - Microsecond))
            .Anomaly("day-after", Created(midnight.AddDays(1)))
            .Anomaly("week-after", Created(midnight.AddDays(8)))
            .OnExisting(ExistingNeeds.CreatedAroundADay));
        var created = await CreatedAsync(world);
        var day = DayOf(created["noon"]);
        var (keys, _, plain) = await ListOwnAsync(world, "filtering by created_date", ("created_date", day));
        ResponseAssertions.Precondition(!keys.Intersect(["week-before", "week-after"]).Any(), "created_date dropping anomalies days away", "LIST-CREATED-DATE-APPLIES", plain);

        await ShouldListCreatedAsync(world, created, "created_date", day, c => DayOf(c) == day, "is that UTC day, to its last microsecond");
    }

    [Test]
    [Rule("LIST-FILTER-TIMEFRAME")]
    public async Task Timeframe_keeps_the_anomalies_created_within_the_last_day_week_month_quarter_or_year()
    {
        // timeframe is relative to now, so these anomalies are dated from the clock, with half a day or more to spare.
        var now = DateTimeOffset.UtcNow;
        var world = await ProvisionAsync(b => b
            .Anomaly("2-hours", Created(now.AddHours(-2)))
            .Anomaly("3-days", Created(now.AddDays(-3)))
            .Anomaly("20-days", Created(now.AddDays(-20)))
            .Anomaly("30.5-days", Created(now.AddDays(-30.5)))
            .Anomaly("60-days", Created(now.AddDays(-60)))
            .Anomaly("200-days", Created(now.AddDays(-200)))
            .Anomaly("400-days", Created(now.AddDays(-400)))
            .OnExisting(ExistingNeeds.CreatedAcrossTimeframes));
        var oldest = (await CreatedAsync(world)).MinBy(c => c.Value).Key;
        var (keys, _, plain) = await ListOwnAsync(world, "filtering by timeframe=day", ("timeframe", "day"));
        ResponseAssertions.Precondition(!keys.Contains(oldest), "timeframe dropping what is old", "LIST-TIMEFRAME-APPLIES", plain);

        // Each frame's length to the hour: an anomaly created within an hour of its edge is not judged.
        await ShouldKeepByTimeframeAsync(world, length => (length - TimeSpan.FromHours(1), length + TimeSpan.FromHours(1)));
    }

    /// <summary>
    /// Lists with each timeframe value and expects the world's anomalies created within it, judged by their age
    /// now as read back: an anomaly no older than the frame's <c>Inside</c> must be listed, one older than its
    /// <c>Outside</c> must not, one between is not judged. Every frame needs one of each.
    /// </summary>
    private static async Task ShouldKeepByTimeframeAsync(World world, Func<TimeSpan, (TimeSpan Inside, TimeSpan Outside)> judged)
    {
        var created = await CreatedAsync(world);
        foreach (var (timeframe, length) in ExistingNeeds.Timeframes)
        {
            var now = DateTimeOffset.UtcNow;
            var (inside, outside) = judged(length);
            var ages = string.Join(", ", created.Select(c => $"{c.Key} {(now - c.Value).TotalDays:0.###} days"));
            var kept = created.Where(c => now - c.Value <= inside).Select(c => c.Key).ToList();
            var dropped = created.Where(c => now - c.Value >= outside).Select(c => c.Key).ToList();
            if (kept.Count == 0 || dropped.Count == 0)
            {
                Assert.Inconclusive($"cannot be judged: timeframe={timeframe} needs an anomaly created within {inside.TotalDays:0.###} days and one more than {outside.TotalDays:0.###} days ago; the world's are {ages} old");
            }

            var (keys, listed, last) = await ListOwnAsync(world, $"filtering by timeframe={timeframe}", ("timeframe", timeframe));
            keys.Intersect(kept.Concat(dropped)).Should().BeEquivalentTo(
                kept, "timeframe={0} keeps what was created within {1:0.###} days and drops what was created more than {2:0.###} days ago (ages: {3}; {4} listed): {5}", timeframe, inside.TotalDays, outside.TotalDays, ages, listed, last);
        }
    }

    /// <summary>The UTC day of an instant, as created_date and a date alone spell it.</summary>
    private static string DayOf(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The edge of a time filter is judged only where the filter acts at all (its MUST rule reports otherwise).</summary>
    private static async Task FilterAppliesAsync(World world, string parameter, DateTimeOffset bound, string farKey, string coreRule)
    {
        var (keys, _, plain) = await ListOwnAsync(world, $"filtering by {parameter}", (parameter, WorldBuilder.Timestamp(bound)));
        ResponseAssertions.Precondition(!keys.Contains(farKey), $"{parameter} dropping an anomaly created on the other side", coreRule, plain);
    }
}
