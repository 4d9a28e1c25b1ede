namespace PullWorker.Deployment.Tests.Infrastructure;

/// <summary>Locations in the source tree; the tests read the committed files, not copies.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Infra => Path.Combine(Root, "infra");

    public static string TestProject => Path.Combine(Root, "tests", "Deployment.Tests");

    public static string GoldenDirectory => Path.Combine(TestProject, "Golden");

    public static string TestConfig => Path.Combine(TestProject, "TestData", "test-config.env");

    public static string InRoot(string relativePath) => Path.Combine(Root, relativePath);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
             directory is not null;
             directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Worker.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Worker.sln not found above the test directory");
    }
}
