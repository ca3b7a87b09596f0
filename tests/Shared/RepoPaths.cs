namespace Portal.Tests.Shared;

/// <summary>Finds the repository from a test's output folder, so tests run from any working directory.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Fixtures => Path.Combine(Root, "tests", "fixtures");

    public static string Infra => Path.Combine(Root, "tests", "infra");

    public static string ChinookDatabase => Path.Combine(Fixtures, "chinook", "Chinook_Sqlite.sqlite");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Portal.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Portal.sln not found above " + AppContext.BaseDirectory);
    }
}
