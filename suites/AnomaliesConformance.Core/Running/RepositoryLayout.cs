namespace AnomaliesConformance.Core.Running;

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
}
