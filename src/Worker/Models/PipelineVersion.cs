using System.Diagnostics;
using PullWorker.Inference;
using PullWorker.Jobs.Results;
using PullWorker.Worker.Decoding;

namespace PullWorker.Worker.Models;

/// <summary>
/// One loaded version of the pipeline: its engine, the decoder checking jobs against its inputs, and what results
/// name it. Jobs hold a lease from decoding until their outputs arrive, so a replaced version is disposed only
/// after the last job that started on it has its result.
/// </summary>
internal sealed class PipelineVersion(
    InferenceEngine engine, JobDecoder decoder, ModelInfo info, IReadOnlyList<long?> generations, IReadOnlyList<string> downloads)
{
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _leases;
    private bool _retired;

    public InferenceEngine Engine { get; } = engine;

    public JobDecoder Decoder { get; } = decoder;

    /// <summary>What results run on this version say about it (model name and sha256).</summary>
    public ModelInfo Info { get; } = info;

    /// <summary>The version of each <c>gs://</c> stage model this version was loaded from (null for a local one).</summary>
    public IReadOnlyList<long?> Generations { get; } = generations;

    /// <summary>The local folders its <c>gs://</c> stage models were downloaded to.</summary>
    public IReadOnlyList<string> Downloads { get; } = downloads;

    /// <summary>Takes a lease, unless this version has been retired meanwhile.</summary>
    public bool TryAcquire()
    {
        lock (_idle)
        {
            if (_retired)
            {
                return false;
            }

            _leases++;
            return true;
        }
    }

    public void Release()
    {
        lock (_idle)
        {
            Debug.Assert(_leases > 0, "released more leases than taken");
            if (--_leases == 0 && _retired)
            {
                _idle.TrySetResult();
            }
        }
    }

    /// <summary>No new leases; completes when the last one is released, then releases the engine.</summary>
    public async Task RetireAsync()
    {
        lock (_idle)
        {
            _retired = true;
            if (_leases == 0)
            {
                _idle.TrySetResult();
            }
        }

        await _idle.Task;
        await Engine.DisposeAsync();
    }
}
