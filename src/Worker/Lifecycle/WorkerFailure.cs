namespace PullWorker.Worker.Lifecycle;

/// <summary>
/// "The worker cannot work": the first fatal reason turns <c>/healthz</c> to failing and stops the host, whose
/// process then exits non-zero (<see cref="Hosting.WorkerHost.RunAsync"/>), so the instance group replaces the VM
/// instead of keeping a worker that looks healthy and takes no jobs. Each source is one <see cref="Watch"/> call.
/// </summary>
public sealed partial class WorkerFailure(IHostApplicationLifetime lifetime, ILogger<WorkerFailure> logger)
{
    private string? _reason;

    /// <summary>Why the worker stopped working, or null while it works.</summary>
    public string? Reason => Volatile.Read(ref _reason);

    /// <summary>
    /// Fails the worker when <paramref name="task"/> faults (the subscriber's run, a device that broke). Completing
    /// or being cancelled is not a failure.
    /// </summary>
    public void Watch(string source, Task task)
    {
        ArgumentNullException.ThrowIfNull(task);
        _ = task.ContinueWith(
            done =>
            {
                if (done.IsFaulted)
                {
                    Fail(source, done.Exception.GetBaseException().Message);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Records the first reason and stops the host; later reasons are only logged.</summary>
    public void Fail(string source, string reason)
    {
        var line = $"{source}: {reason}";
        LogFatal(logger, line);
        if (Interlocked.CompareExchange(ref _reason, line, null) is null)
        {
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The worker cannot work and stops: {Reason}")]
    private static partial void LogFatal(ILogger logger, string reason);
}
