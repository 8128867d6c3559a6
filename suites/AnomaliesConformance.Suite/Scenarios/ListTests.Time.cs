using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Suite.Support;
using NUnit.Framework;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Scenarios;

public sealed partial class ListTests
{
    // Whole microseconds: the contract's timestamps carry six fraction digits.
    private static readonly DateTimeOffset Boundary = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero).AddTicks(1_234_560);
    private static readonly TimeSpan Microsecond = TimeSpan.FromTicks(10);

    /// <summary>Anomalies an hour and a microsecond before the boundary, at it, and an hour after it.</summary>
    private static Task<World> ProvisionAroundBoundaryAsync() => ProvisionAsync(b => b
        .Anomaly("hour-before", Created(Boundary.AddHours(-1)))
        .Anomaly("just-before", Created(Boundary - Microsecond))
        .Anomaly("at", Created(Boundary))
        .Anomaly("hour-after", Created(Boundary.AddHours(1))));

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

    /// <summary>When each of the world's anomalies was created, as an Admin reads it back (its chosen time when provisioned).</summary>
    private static async Task<Dictionary<string, DateTimeOffset>> CreatedAsync(World world)
    {
        var keys = world.Anomalies.Keys.ToList();
        var anomalies = await Task.WhenAll(keys.Select(key => SnapshotAsync(world[key])));
        return keys.Zip(anomalies).ToDictionary(
            p => p.First,
            p => Read.Instant(p.Second["created"]?.ToString()) ?? Read.Blocked<DateTimeOffset>("ANOMALY-CREATED-ISO8601", $"the creation time of anomaly {world[p.First].Id}", null));
    }

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
        var noon = new DateTimeOffset(2026, 3, 3, 12, 0, 0, TimeSpan.Zero);
        var world = await ProvisionAsync(b => b
            .Anomaly("week-before", Created(noon.AddDays(-7)))
            .Anomaly("that-day", Created(noon))
            .Anomaly("week-after", Created(noon.AddDays(7))));

        await ShouldListExactlyAsync(world, ["that-day"], "created_date=2026-03-03 keeps that day's anomalies", ("created_date", "2026-03-03"));
    }

    [Test]
    [Rule("LIST-TIMEFRAME-APPLIES")]
    public async Task Timeframe_keeps_recent_anomalies_and_drops_old_ones()
    {
        var now = DateTimeOffset.UtcNow;
        var world = await ProvisionAsync(b => b.Anomaly("2-hours", Created(now.AddHours(-2))).Anomaly("2-years", Created(now.AddDays(-730))));

        foreach (var timeframe in new[] { "day", "week", "month", "quarter", "year" })
        {
            await ShouldListExactlyAsync(world, ["2-hours"], $"timeframe={timeframe} keeps what is recent and drops what is two years old", ("timeframe", timeframe));
        }
    }

    [Test]
    [Rule("LIST-FILTER-START-DATE")]
    public async Task Start_date_is_an_inclusive_lower_bound_on_created()
    {
        var world = await ProvisionAroundBoundaryAsync();
        await FilterAppliesAsync(world, "start_date", "hour-before", "LIST-START-DATE-APPLIES");

        await ShouldListExactlyAsync(
            world, ["at", "hour-after"], $"start_date={WorldBuilder.Timestamp(Boundary)} keeps anomalies created at or after it", ("start_date", WorldBuilder.Timestamp(Boundary)));
    }

    [Test]
    [Rule("LIST-FILTER-END-DATE")]
    public async Task End_date_is_an_exclusive_upper_bound_on_created()
    {
        var world = await ProvisionAroundBoundaryAsync();
        await FilterAppliesAsync(world, "end_date", "hour-after", "LIST-END-DATE-APPLIES");

        await ShouldListExactlyAsync(
            world, ["hour-before", "just-before"], $"end_date={WorldBuilder.Timestamp(Boundary)} keeps anomalies created before it, not at it", ("end_date", WorldBuilder.Timestamp(Boundary)));
    }

    [Test]
    [Rule("LIST-DATE-FORMATS")]
    public async Task Start_and_end_date_accept_an_offset_other_than_z_and_a_date_alone()
    {
        var world = await ProvisionAroundBoundaryAsync();
        await FilterAppliesAsync(world, "start_date", "hour-before", "LIST-START-DATE-APPLIES");
        await FilterAppliesAsync(world, "end_date", "hour-after", "LIST-END-DATE-APPLIES");
        // Half an hour after the boundary, written at +02:00: the same instant as its UTC form. No anomaly sits
        // there, so the filters' own bounds (inclusive or exclusive) do not matter here.
        var shifted = Boundary.AddMinutes(30).ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", System.Globalization.CultureInfo.InvariantCulture);

        await ShouldListExactlyAsync(world, ["hour-after"], $"start_date={shifted} is half an hour after the boundary", ("start_date", shifted));
        await ShouldListExactlyAsync(world, ["hour-before", "just-before", "at"], $"end_date={shifted} is half an hour after the boundary", ("end_date", shifted));
        // A date alone is its midnight in UTC: 2026-03-03 comes after every anomaly of this world, 2026-03-02 before them.
        await ShouldListExactlyAsync(world, [], "start_date=2026-03-03 is midnight UTC of that day", ("start_date", "2026-03-03"));
        await ShouldListExactlyAsync(world, ["hour-before", "just-before", "at", "hour-after"], "start_date=2026-03-02 is midnight UTC of that day", ("start_date", "2026-03-02"));
    }

    [Test]
    [Rule("LIST-FILTER-CREATED-DATE")]
    public async Task Created_date_keeps_the_anomalies_of_that_utc_day()
    {
        var midnight = new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero);
        var world = await ProvisionAsync(b => b
            .Anomaly("week-before", Created(midnight.AddDays(-7)))
            .Anomaly("day-before", Created(midnight - Microsecond))
            .Anomaly("midnight", Created(midnight))
            .Anomaly("noon", Created(midnight.AddHours(12)))
            .Anomaly("last-microsecond", Created(midnight.AddDays(1) - Microsecond))
            .Anomaly("day-after", Created(midnight.AddDays(1)))
            .Anomaly("week-after", Created(midnight.AddDays(8))));
        var plain = (await ListAsync(Viewer, ("datastore", world.DatastoreId), ("size", 100), ("created_date", "2026-03-03"))).ShouldSucceed("filtering by created_date");
        ResponseAssertions.Precondition(!KeysOf(world, plain).Intersect(["week-before", "week-after"]).Any(), "created_date dropping anomalies a week away", "LIST-CREATED-DATE-APPLIES", plain);

        await ShouldListExactlyAsync(world, ["midnight", "noon", "last-microsecond"], "created_date=2026-03-03 is that UTC day, to its last microsecond", ("created_date", "2026-03-03"));
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
            .Anomaly("400-days", Created(now.AddDays(-400))));
        var plain = (await ListAsync(Viewer, ("datastore", world.DatastoreId), ("size", 100), ("timeframe", "day"))).ShouldSucceed("filtering by timeframe=day");
        ResponseAssertions.Precondition(!KeysOf(world, plain).Contains("400-days"), "timeframe dropping what is old", "LIST-TIMEFRAME-APPLIES", plain);

        await ShouldListExactlyAsync(world, ["2-hours"], "timeframe=day is the last day", ("timeframe", "day"));
        await ShouldListExactlyAsync(world, ["2-hours", "3-days"], "timeframe=week is the last 7 days", ("timeframe", "week"));
        await ShouldListExactlyAsync(world, ["2-hours", "3-days", "20-days"], "timeframe=month is the last 30 days", ("timeframe", "month"));
        await ShouldListExactlyAsync(world, ["2-hours", "3-days", "20-days", "30.5-days", "60-days"], "timeframe=quarter is the last 91 days", ("timeframe", "quarter"));
        await ShouldListExactlyAsync(world, ["2-hours", "3-days", "20-days", "30.5-days", "60-days", "200-days"], "timeframe=year is the last 365 days", ("timeframe", "year"));
    }

    /// <summary>The edge of a time filter is judged only where the filter acts at all (its MUST rule reports otherwise).</summary>
    private static async Task FilterAppliesAsync(World world, string parameter, string farKey, string coreRule)
    {
        var plain = (await ListAsync(Viewer, ("datastore", world.DatastoreId), ("size", 100), (parameter, WorldBuilder.Timestamp(Boundary)))).ShouldSucceed($"filtering by {parameter}");
        ResponseAssertions.Precondition(!KeysOf(world, plain).Contains(farKey), $"{parameter} dropping an anomaly an hour on the other side", coreRule, plain);
    }
}
