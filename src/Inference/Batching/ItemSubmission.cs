using PullWorker.Inference.Execution;

namespace PullWorker.Inference.Batching;

/// <summary>
/// One queued item waiting for its result, with the moment it was queued and its owner's cancellation. The
/// device loop stages its row, runs it, and completes it; results complete on the device thread, so the owner's
/// continuation runs elsewhere.
/// </summary>
internal sealed class ItemSubmission(InferenceItem item, long enqueuedAt, CancellationToken cancellationToken) : IDisposable
{
    private readonly TaskCompletionSource<InferenceResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenRegistration _registration;
    private int _onDevice;

    /// <summary>When it was queued, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long EnqueuedAt { get; } = enqueuedAt;

    public Task<InferenceResult> Result => _result.Task;

    /// <summary>True once it has a result, an error, or was canceled.</summary>
    public bool IsCompleted => _result.Task.IsCompleted;

    /// <summary>Withdraws it when its owner's token fires, until it reaches the device.</summary>
    public void CancelWithOwnerToken() =>
        _registration = cancellationToken.Register(static state => ((ItemSubmission)state!).Withdraw(), this);

    /// <summary>
    /// It is on the device: from now on the owner's cancellation no longer withdraws it. The work happens anyway,
    /// and a draining worker must get the results that are already being computed. Returns true the first time
    /// (when its queue time ends).
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

    /// <summary>Copies its tensors into row <paramref name="row"/> of <paramref name="slot"/>.</summary>
    public void Stage(StagingSlot slot, int row) => slot.WriteRow(row, item.Inputs);

    /// <summary>Takes its outputs from batch row <paramref name="batchRow"/>; 1 if delivered, 0 if the owner had canceled.</summary>
    private int Deliver(BatchOutputs outputs, int batchRow) => _result.TrySetResult(InferenceResult.Success(outputs.Row(batchRow))) ? 1 : 0;

    /// <summary>Gives each item its row of <paramref name="outputs"/>; returns how many owners were still waiting.</summary>
    public static int DeliverAll(IReadOnlyList<ItemSubmission> items, BatchOutputs outputs)
    {
        var delivered = 0;
        for (var i = 0; i < items.Count; i++)
        {
            delivered += items[i].Deliver(outputs, i);
        }

        return delivered;
    }

    /// <summary>It broke the model on its own: a job-level error.</summary>
    public void FailItem(InferenceError error) => _result.TrySetResult(InferenceResult.Failure(error.Code, error.Message));

    /// <summary>Fails it as a whole: the engine, not its content, is at fault.</summary>
    public void Fail(Exception exception) => _result.TrySetException(exception);

    public void Dispose() => _registration.Dispose();

    private void Withdraw() => _result.TrySetCanceled(cancellationToken);
}
