namespace PullWorker.Bench.Infrastructure;

/// <summary>Where the repository, the report and the built worker are, found from the running binary.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>docs/benchmarks: the report, its plots, and data/ with one JSON file per part.</summary>
    public static string Reports => Path.Combine(Root, "docs", "benchmarks");

    public static string Data => Path.Combine(Reports, "data");

    /// <summary>
    /// The worker as <c>./bench.sh</c> builds it (Release). <c>PULLWORKER_WORKER_DLL</c> overrides it, e.g. for a
    /// published copy.
    /// </summary>
    public static string WorkerDll
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("PULLWORKER_WORKER_DLL")
                ?? Path.Combine(Root, "src", "Worker", "bin", "Release", "net10.0", "PullWorker.Worker.dll");
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException(
                    $"the worker is not built at {path}: run 'dotnet build src/Worker -c Release' (./bench.sh does) or set PULLWORKER_WORKER_DLL", path);
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Worker.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Worker.sln above {AppContext.BaseDirectory}: run the bench from the repository");
    }
}
