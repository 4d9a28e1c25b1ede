using PullWorker.Jobs.Results;

namespace PullWorker.Tools.Demo;

/// <summary>How the demo runs (the <c>demo</c> command's options).</summary>
/// <param name="Jobs">Sample jobs to publish, malformed ones included.</param>
/// <param name="StorageDirectory">Where the emulator keeps objects as ordinary files.</param>
/// <param name="KeepRunning">Leave the emulator and worker running after the summary, until Ctrl-C.</param>
/// <param name="Timeout">How long to wait for every job to have a result.</param>
/// <param name="Layout">The worker's <c>Worker:ResultLayout</c>.</param>
public sealed record DemoSettings(int Jobs, string StorageDirectory, bool KeepRunning, TimeSpan Timeout, ResultLayout Layout = ResultLayout.Object)
{
    public const int DefaultJobs = 2_000;
    public const string DefaultStorageDirectory = ".demo/storage";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);
}
