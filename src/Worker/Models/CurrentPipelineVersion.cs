namespace PullWorker.Worker.Models;

/// <summary>
/// The pipeline version new jobs start on. Replacing it happens between batches: jobs already submitted finish
/// on the old version (and their results name it), new ones start on the new one.
/// </summary>
internal sealed class CurrentPipelineVersion(PipelineVersion initial)
{
    private PipelineVersion _current = initial;

    public PipelineVersion Current => Volatile.Read(ref _current);

    /// <summary>The current version, with a lease the caller must release (directly or through its job).</summary>
    public PipelineVersion Acquire()
    {
        while (true)
        {
            var model = Current;
            if (model.TryAcquire())
            {
                return model;
            }

            // Retired between the read and the lease: the replacement is already in place.
        }
    }

    /// <summary>Puts <paramref name="next"/> in place and disposes the old version once its jobs are done.</summary>
    public Task ReplaceAsync(PipelineVersion next) => Interlocked.Exchange(ref _current, next).RetireAsync();

    /// <summary>Disposes the current version once its jobs are done (at shutdown).</summary>
    public Task RetireAsync() => Current.RetireAsync();
}
