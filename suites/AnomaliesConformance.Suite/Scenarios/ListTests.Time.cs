using AnomaliesConformance.Core.Provisioning;
using AnomaliesConformance.Core.Running;
using AnomaliesConformance.Suite.Support;
using NUnit.Framework;

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

    [Test]
    [Rule("LIST-FILTER-START-DATE")]
    public async Task Start_date_is_an_inclusive_lower_bound_on_created()
    {
        var world = await ProvisionAroundBoundaryAsync();

        await ShouldListExactlyAsync(
            world, ["at", "hour-after"], $"start_date={WorldBuilder.Timestamp(Boundary)} keeps anomalies created at or after it", ("start_date", WorldBuilder.Timestamp(Boundary)));
    }

    [Test]
    [Rule("LIST-FILTER-END-DATE")]
    public async Task End_date_is_an_exclusive_upper_bound_on_created()
    {
        var world = await ProvisionAroundBoundaryAsync();

        await ShouldListExactlyAsync(
            world, ["hour-before", "just-before"], $"end_date={WorldBuilder.Timestamp(Boundary)} keeps anomalies created before it, not at it", ("end_date", WorldBuilder.Timestamp(Boundary)));
    }

    [Test]
    [Rule("LIST-FILTER-CREATED-DATE")]
    public async Task Created_date_keeps_the_anomalies_of_that_utc_day()
    {
        var midnight = new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero);
        var world = await ProvisionAsync(b => b
            .Anomaly("day-before", Created(midnight - Microsecond))
            .Anomaly("midnight", Created(midnight))
            .Anomaly("noon", Created(midnight.AddHours(12)))
            .Anomaly("last-microsecond", Created(midnight.AddDays(1) - Microsecond))
            .Anomaly("day-after", Created(midnight.AddDays(1))));

        await ShouldListExactlyAsync(world, ["midnight", "noon", "last-microsecond"], "created_date=2026-03-03 is that UTC day", ("created_date", "2026-03-03"));
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
            .Anomaly("60-days", Created(now.AddDays(-60)))
            .Anomaly("200-days", Created(now.AddDays(-200)))
            .Anomaly("400-days", Created(now.AddDays(-400))));

        await ShouldListExactlyAsync(world, ["2-hours"], "timeframe=day is the last day", ("timeframe", "day"));
        await ShouldListExactlyAsync(world, ["2-hours", "3-days"], "timeframe=week is the last 7 days", ("timeframe", "week"));
        await ShouldListExactlyAsync(world, ["2-hours", "3-days", "20-days"], "timeframe=month is the last 30 days", ("timeframe", "month"));
        await ShouldListExactlyAsync(world, ["2-hours", "3-days", "20-days", "60-days"], "timeframe=quarter is the last 91 days", ("timeframe", "quarter"));
        await ShouldListExactlyAsync(world, ["2-hours", "3-days", "20-days", "60-days", "200-days"], "timeframe=year is the last 365 days", ("timeframe", "year"));
    }
}
