using AnomaliesConformance.Runner;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.SelfTests.Support;

/// <summary>Paths of the repository and of the built programs the self-tests run as separate processes.</summary>
public static class Repository
{
    public static string Root { get; } = RepositoryLayout.Root();

    public static string Specs(string file) => Path.Combine(Root, "specs", file);

    /// <summary>The runner (what run-conformance.sh calls): it runs the suite in-process.</summary>
    public static string RunnerDll { get; } = Built("AnomaliesConformance.Runner");

    public static string ReferenceServerDll { get; } = Built("AnomaliesConformance.ReferenceServer");

    private static string Built(string project) => RepositoryLayout.BuiltDll(project);
}
