namespace PullWorker.Inference.Batching;

/// <summary>An item waiting for its result, with the moment it was queued and its owner's cancellation.</summary>
internal sealed class PendingItem : IDisposable
{
    // Results are completed on the device thread; owners' continuations must not run there.
    private readonly TaskCompletionSource<InferenceResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenRegistration _registration;

    public PendingItem(InferenceItem item, long enqueuedAt, CancellationToken cancellationToken)
    {
        Item = item;
        EnqueuedAt = enqueuedAt;
        _registration = cancellationToken.Register(
            static state => ((PendingItem)state!).Cancel(), this);
        CancellationToken = cancellationToken;
    }

    public InferenceItem Item { get; }

    /// <summary>When it was queued, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long EnqueuedAt { get; }

    public CancellationToken CancellationToken { get; }

    public Task<InferenceResult> Result => _result.Task;

    /// <summary>True once the item has a result, an error, or was canceled.</summary>
    public bool IsCompleted => _result.Task.IsCompleted;

    /// <summary>Delivers the result; false when the owner had already canceled.</summary>
    public bool Complete(InferenceResult result) => _result.TrySetResult(result);

    public bool Fail(Exception exception) => _result.TrySetException(exception);

    /// <summary>
    /// Its batch is on the device: from now on the owner's cancellation no longer withdraws it. The work happens
    /// anyway, and a draining worker must get the results that are already being computed, not throw them away.
    /// </summary>
    public void MarkOnDevice() => _registration.Dispose();

    public void Dispose() => _registration.Dispose();

    private void Cancel() => _result.TrySetCanceled(CancellationToken);
}
