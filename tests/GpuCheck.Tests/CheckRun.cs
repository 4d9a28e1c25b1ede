using PullWorker.GpuCheck.Scenarios;

namespace PullWorker.GpuCheck.Tests;

/// <summary>Runs the self-check in-process on the CPU with short windows, into a fresh folder, with a bounded wait.</summary>
internal sealed class CheckRun : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("gpucheck-tests-");

    public string Folder => _folder.FullName;

    public StringWriter Output { get; } = new();

    public StringWriter Error { get; } = new();

    public Task<int> RunAsync(IReadOnlyList<CheckScenario>? scenarios = null, bool cuda = false, int[]? batchSizes = null)
    {
        var settings = new CheckSettings(cuda, 0, Folder, Quick: true, batchSizes ?? [1, 4], TimeSpan.FromMilliseconds(50));
        using var timeout = new CancellationTokenSource(Limit);
        return GpuCheckCommand
            .RunAsync(settings, scenarios ?? CheckScenarios.All(quick: true), Output, Error, timeout.Token)
            .WaitAsync(Limit);
    }

    public void Dispose()
    {
        Output.Dispose();
        Error.Dispose();
        _folder.Delete(recursive: true);
    }
}
