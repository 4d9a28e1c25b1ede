namespace PullWorker.Jobs;

/// <summary>A job's own fault: the code and a message that says exactly what was wrong.</summary>
public sealed record JobError(JobErrorCode Code, string Message);
