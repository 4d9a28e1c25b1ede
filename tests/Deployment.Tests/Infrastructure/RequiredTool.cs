using System.Diagnostics;

namespace PullWorker.Deployment.Tests.Infrastructure;

/// <summary>Finds a tool the checks need; a missing tool fails the test and says how to install it.</summary>
public static class RequiredTool
{
    public static string Find(string name, string debianPackage)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail($"'{name}' was not found on PATH. Install it with: apt-get install -y {debianPackage}");
        throw new UnreachableException();
    }
}
