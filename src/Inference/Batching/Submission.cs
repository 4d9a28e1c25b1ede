using PullWorker.Inference.Execution;

namespace PullWorker.Inference.Batching;

/// <summary>
/// What a caller queued (one item or a block of rows), waiting for its result, with the moment it was queued and
/// its owner's cancellation. The assembler copies its rows into staging slots; the device thread delivers them.
/// </summary>
internal abstract class Submission : IDisposable
{
    private CancellationTokenRegistration _registration;
    private int _onDevice;

    protected Submission(int rowCount, long enqueuedAt)
    {
        RowCount = rowCount;
        EnqueuedAt = enqueuedAt;
    }

    public int RowCount { get; }

    /// <summary>When it was queued, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long EnqueuedAt { get; }

    /// <summary>True once it has a result, an error, or was canceled.</summary>
    public abstract bool IsCompleted { get; }

    /// <summary>Withdraws it when <paramref name="cancellationToken"/> fires, until its first rows reach the device.</summary>
    public void CancelWith(CancellationToken cancellationToken) =>
        _registration = cancellationToken.Register(static state => ((Submission)state!).Cancel(), this);

    /// <summary>
    /// Some of its rows are on the device: from now on the owner's cancellation no longer withdraws it. The work
    /// happens anyway, and a draining worker must get the results that are already being computed. Returns true
    /// the first time (when its queue time ends).
    /// </summary>
    public bool MarkOnDevice()
    {
        if (Interlocked.Exchange(ref _onDevice, 1) != 0)
        {
            return false;
        }

        _registration.Dispose();
        return true;
    }

    /// <summary>Copies rows [<paramref name="firstRow"/>, +<paramref name="count"/>) into the slot at <paramref name="slotRow"/>.</summary>
    public abstract void WriteRows(StagingSlot slot, int slotRow, int firstRow, int count);

    /// <summary>Takes the results of its rows [<paramref name="firstRow"/>, +count) from batch rows from <paramref name="batchRow"/>; returns the rows delivered.</summary>
    public abstract int Deliver(BatchOutputs outputs, int batchRow, int firstRow, int count);

    /// <summary>Row <paramref name="row"/> broke the model on its own.</summary>
    public abstract void FailRow(int row, InferenceError error);

    /// <summary>Fails it as a whole: the engine, not its content, is at fault.</summary>
    public abstract void Fail(Exception exception);

    public void Dispose() => _registration.Dispose();

    protected abstract void Cancel();
}

/// <summary>A submission whose owner awaits a <typeparamref name="TResult"/>.</summary>
internal abstract class Submission<TResult>(int rowCount, long enqueuedAt, CancellationToken cancellationToken) : Submission(rowCount, enqueuedAt)
{
    // Results are completed on the device thread; owners' continuations must not run there.
    private readonly TaskCompletionSource<TResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TResult> Result => _result.Task;

    public override bool IsCompleted => _result.Task.IsCompleted;

    public override void Fail(Exception exception) => _result.TrySetException(exception);

    /// <summary>Delivers the result; false when the owner had already canceled.</summary>
    protected bool Complete(TResult result) => _result.TrySetResult(result);

    protected override void Cancel() => _result.TrySetCanceled(cancellationToken);
}
