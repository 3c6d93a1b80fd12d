namespace Prefect.Agent.Fargate.Tests.Docs;

/// <summary>Finds files of the repository from the test output folder.</summary>
internal static class RepositoryFiles
{
    /// <summary>Gets the repository root (the folder of Prefect.Agent.Fargate.sln).</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Prefect.Agent.Fargate.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Prefect.Agent.Fargate.sln not found above {AppContext.BaseDirectory}.");
    }
}
