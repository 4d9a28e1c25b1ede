namespace PullWorker.Tools.Demo;

/// <summary>What one demo run's summary is computed from besides the jobs.</summary>
/// <param name="ResultsPrefix">The run's prefix in the results bucket.</param>
/// <param name="StorageDirectory">The emulator's storage directory (full path).</param>
/// <param name="Device">Where the engine ran, e.g. <c>cpu</c>.</param>
internal sealed record DemoRun(string ResultsPrefix, string StorageDirectory, string Device, BatchSizeListener BatchSizes);
