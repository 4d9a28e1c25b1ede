namespace PullWorker.Bench.Backlog;

/// <summary>Part 4: the worker process's resident set over time while it works through a large backlog.</summary>
internal sealed record BacklogResult(
    int QueuedJobs, int MaxOutstandingMessages, double SecondsToReady, long JobsDone, double Seconds, double JobsPerSecond,
    double ResidentAtReadyMegabytes, double PeakResidentMegabytes, IReadOnlyList<BacklogSample> Samples);

/// <summary>One sample: seconds since the worker was ready, its VmRSS, and the jobs still queued.</summary>
internal sealed record BacklogSample(double Seconds, double ResidentMegabytes, int Backlog);
