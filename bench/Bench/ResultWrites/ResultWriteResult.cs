namespace PullWorker.Bench.ResultWrites;

/// <summary>Part 6: create-only result writes through Google's client, the two ways the worker could send them.</summary>
internal sealed record ResultWriteResult(
    string Setup, int Concurrency, int LatencyMilliseconds, int JitterMilliseconds, IReadOnlyList<ResultWritePath> Paths, string Kept)
{
    /// <summary>How many times more CPU per write the resumable upload costs than one multipart request.</summary>
    public double CpuRatio => Paths[1].CpuMicrosecondsPerWrite / Paths[0].CpuMicrosecondsPerWrite;

    public double ThroughputRatio => Paths[0].WritesPerSecond / Paths[1].WritesPerSecond;
}

/// <param name="CpuSeconds">The bench process's CPU time over the window; the emulator runs in its own process.</param>
internal sealed record ResultWritePath(string Name, int RequestsPerWrite, int Writes, double Seconds, double CpuSeconds)
{
    public double WritesPerSecond => Writes / Seconds;

    public double CpuMicrosecondsPerWrite => CpuSeconds * 1e6 / Writes;
}
