namespace AnomaliesConformance.Core.Checks;

/// <summary>Finds the repository (the folder holding AnomaliesConformance.sln) from the running binary.</summary>
public static class RepositoryLayout
{
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AnomaliesConformance.sln")))
            {
                return dir.FullName;
            }
        }

        throw new SetupException($"cannot find AnomaliesConformance.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>
    /// The built dll of one of the repository's projects, from the same build configuration as the running
    /// binary: the artifacts layout is artifacts/bin/PROJECT/PIVOT/, the pivot being "debug", "release", ...
    /// </summary>
    public static string BuiltDll(string project)
    {
        var pivot = Path.GetFileName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        return Path.Combine(Root(), "artifacts", "bin", project, pivot, project + ".dll");
    }
}
