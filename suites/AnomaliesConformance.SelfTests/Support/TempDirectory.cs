namespace AnomaliesConformance.SelfTests.Support;

public static class TempDirectory
{
    public static string Create(string purpose) => Directory.CreateTempSubdirectory($"anomalies-selftest-{purpose}-").FullName;
}
