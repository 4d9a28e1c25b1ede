namespace PullWorker.Deployment.Tests.Infrastructure;

/// <summary>
/// Compares output with a committed expected listing. On a mismatch the failure shows a unified
/// diff; UPDATE_GOLDEN=1 rewrites the listing instead (review it with git diff before committing).
/// </summary>
public static class GoldenFile
{
    public static async Task AssertMatchesAsync(string goldenName, string actual, CancellationToken cancellationToken)
    {
        var path = Path.Combine(RepositoryPaths.GoldenDirectory, goldenName);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            await File.WriteAllTextAsync(path, actual, cancellationToken);
            return;
        }

        if (!File.Exists(path))
        {
            Assert.Fail($"No golden listing {path}. Create it with UPDATE_GOLDEN=1 dotnet test tests/Deployment.Tests and review it.");
        }

        var expected = await File.ReadAllTextAsync(path, cancellationToken);
        if (expected == actual)
        {
            return;
        }

        var diff = UnifiedDiff.Create(expected, actual, $"Golden/{goldenName}", "actual");
        Assert.Fail($"Output differs from Golden/{goldenName} (UPDATE_GOLDEN=1 accepts it):\n{diff}");
    }
}
