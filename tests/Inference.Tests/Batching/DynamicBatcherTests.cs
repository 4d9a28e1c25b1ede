using Microsoft.Extensions.Time.Testing;
using PullWorker.Inference.Batching;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Stages;
using PullWorker.Inference.Tensors;
using PullWorker.Inference.Tests.Support;

namespace PullWorker.Inference.Tests.Batching;

public sealed class DynamicBatcherTests
{
    private static InferenceItem ChainItem(float[] x) => InferenceItem.Single("x", TensorData.Float32(x, 4));

    [Test]
    public async Task ConcurrentItems_AcrossBatchesAndPadding_EachGetsItsOwnResult()
    {
        using var recorder = new MetricsRecorder();
        await using var engine = await Pipelines.StartAsync(ChainPipeline.Options(), new BatchingOptions { MaxBatchSize = 8 }, metrics: recorder.Metrics);
        var warmUpRuns = recorder.Values("inference.batch.size").Count;
        var rows = Enumerable.Range(0, 61).Select(ChainPipeline.DistinctRow).ToArray();
        var results = await Task.WhenAll(rows.Select(row => engine.InferAsync(ChainItem(row), CancellationToken.None).AsTask())).DefaultTimeout();

        Assert.Multiple(() =>
        {
            for (var i = 0; i < rows.Length; i++)
            {
                Assert.That(results[i].Outputs!["c"].AsSpan<float>().ToArray(), Is.EqualTo(ChainPipeline.Expected(rows[i])).Within(1e-3f), $"item {i}");
            }

            Assert.That(recorder.Values("inference.batch.size").Skip(warmUpRuns).Sum(), Is.EqualTo(61), "padding rows are not counted");
        });
    }

    [Test]
    public async Task MaxBatchSize_ManyQueued_NoBatchExceedsCapAndAllItemsRun()
    {
        using var recorder = new MetricsRecorder();
        await using var engine = await Pipelines.StartAsync(ChainPipeline.Options(), new BatchingOptions { MaxBatchSize = 4 }, metrics: recorder.Metrics);
        var warmUpRuns = recorder.Values("inference.batch.size").Count;
        var rows = Enumerable.Range(0, 30).Select(ChainPipeline.DistinctRow).ToArray();
        await Task.WhenAll(rows.Select(row => engine.InferAsync(ChainItem(row), CancellationToken.None).AsTask())).DefaultTimeout();

        var sizes = recorder.Values("inference.batch.size").Skip(warmUpRuns).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(sizes, Has.All.InRange(1, 4));
            Assert.That(sizes.Sum(), Is.EqualTo(30));
        });
    }

    [Test]
    public async Task MaxBatchSize_FullBatch_DispatchedWithoutWaitingForMaxDelay()
    {
        var time = new FakeTimeProvider();
        using var recorder = new MetricsRecorder();
        await using var engine = await Pipelines.StartAsync(
            ChainPipeline.Options(), new BatchingOptions { MaxBatchSize = 4, MaxDelay = TimeSpan.FromSeconds(10) }, time, recorder.Metrics);
        var warmUpRuns = recorder.Values("inference.batch.size").Count;

        // Fake time never moves: only a full batch may go.
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => engine.InferAsync(ChainItem(ChainPipeline.DistinctRow(i)), CancellationToken.None).AsTask())).DefaultTimeout();
        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.IsSuccess), Has.All.True);
            Assert.That(recorder.Values("inference.batch.size").Skip(warmUpRuns), Is.EqualTo(new[] { 4.0 }));
        });
    }

    [Test]
    public async Task MaxDelay_PartialBatch_WaitsUntilOldestItemHasWaitedMaxDelay()
    {
        var time = new FakeTimeProvider();
        using var recorder = new MetricsRecorder();
        await using var engine = await Pipelines.StartAsync(
            ChainPipeline.Options(), new BatchingOptions { MaxBatchSize = 4, MaxDelay = TimeSpan.FromMilliseconds(100) }, time, recorder.Metrics);
        var warmUpRuns = recorder.Values("inference.batch.size").Count;
        var heldWithThree = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        engine.Batcher.PartialBatchHeld += count =>
        {
            if (count == 3)
            {
                heldWithThree.TrySetResult();
            }
        };

        var pending = Enumerable.Range(0, 3).Select(i => engine.InferAsync(ChainItem(ChainPipeline.DistinctRow(i)), CancellationToken.None).AsTask()).ToArray();
        await heldWithThree.Task.DefaultTimeout();
        time.Advance(TimeSpan.FromMilliseconds(99));
        var earlyCompletions = pending.Count(t => t.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var results = await Task.WhenAll(pending).DefaultTimeout();

        Assert.Multiple(() =>
        {
            Assert.That(earlyCompletions, Is.Zero);
            Assert.That(results.Select(r => r.IsSuccess), Has.All.True);
            Assert.That(recorder.Values("inference.batch.size").Skip(warmUpRuns), Is.EqualTo(new[] { 3.0 }), "one padded batch of 3");
        });
    }

    [Test]
    public async Task PoisonedItem_InFullBatch_IsolatedWithInferenceFailedOthersSucceed()
    {
        var time = new FakeTimeProvider();
        using var recorder = new MetricsRecorder();
        await using var engine = await Pipelines.StartAsync(
            Pipelines.Of(ModelFiles.Poisoned), new BatchingOptions { MaxBatchSize = 8, MaxDelay = TimeSpan.FromSeconds(10) }, time, recorder.Metrics);
        var rows = Enumerable.Range(0, 8).Select(i => i == 5 ? [SampleModels.PoisonSentinel, 1, 2, 3] : new float[] { i, i + 1, i + 2, i + 3 }).ToArray();

        var results = await Task.WhenAll(rows.Select(row => engine.InferAsync(InferenceItem.Single("x", TensorData.Float32(row, 4)), CancellationToken.None).AsTask())).DefaultTimeout();

        Assert.Multiple(() =>
        {
            for (var i = 0; i < rows.Length; i++)
            {
                if (i == 5)
                {
                    Assert.That(results[i].Error?.Code, Is.EqualTo("inference_failed"));
                    Assert.That(results[i].Error?.Message, Does.Contain("indices element out of data bounds").IgnoreCase);
                }
                else
                {
                    Assert.That(results[i].Outputs!["y"].AsSpan<float>().ToArray(), Is.EqualTo(rows[i].Select(v => 2 * v).ToArray()), $"item {i}");
                }
            }

            Assert.That(recorder.Values("inference.failures", "inference_failed"), Is.EqualTo(new[] { 1.0 }));
        });
    }

    [Test]
    public async Task Cancellation_TokenAlreadyCanceled_ThrowsAndOthersUnaffected()
    {
        await using var engine = await Pipelines.StartAsync(ChainPipeline.Options());
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();

        Assert.That(async () => await engine.InferAsync(ChainItem(ChainPipeline.DistinctRow(1)), canceled.Token), Throws.InstanceOf<OperationCanceledException>());
        var result = await engine.InferAsync(ChainItem(ChainPipeline.DistinctRow(2)), CancellationToken.None).DefaultTimeout();
        Assert.That(result.Outputs!["c"].AsSpan<float>().ToArray(), Is.EqualTo(ChainPipeline.Expected(ChainPipeline.DistinctRow(2))).Within(1e-3f));
    }

    [Test]
    public async Task Dispose_ItemsQueued_AllFinishBeforeDisposeReturns()
    {
        // 10 items fit the queue of four batches of 4, so every submit is queued before dispose starts.
        var engine = await Pipelines.StartAsync(ChainPipeline.Options(), new BatchingOptions { MaxBatchSize = 4 });
        var pending = Enumerable.Range(0, 10).Select(i => engine.InferAsync(ChainItem(ChainPipeline.DistinctRow(i)), CancellationToken.None).AsTask()).ToArray();
        await engine.DisposeAsync().AsTask().DefaultTimeout();
        Assert.That(pending.Select(t => t.IsCompletedSuccessfully && t.Result.IsSuccess), Has.All.True);
    }

    [Test]
    public async Task Submit_BeyondFourQueuedBatches_WaitsForRoomAndIsRefusedAtShutdown()
    {
        var engine = await Pipelines.StartAsync(ChainPipeline.Options(), new BatchingOptions { MaxBatchSize = 2 });
        var deviceHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();
        engine.Batcher.BeforeBatch = _ =>
        {
            deviceHeld.TrySetResult();
            release.Wait(TaskTimeouts.Default);
        };

        Task? disposing = null;
        try
        {
            var inHand = engine.InferAsync(ChainItem(ChainPipeline.DistinctRow(0)), CancellationToken.None).AsTask();
            await deviceHeld.Task.DefaultTimeout();

            // The device holds one item; the queue takes 4 x MaxBatchSize = 8 more, the ninth caller waits for room.
            var queued = Enumerable.Range(1, 8).Select(i => engine.InferAsync(ChainItem(ChainPipeline.DistinctRow(i)), CancellationToken.None).AsTask()).ToArray();
            var waiting = engine.InferAsync(ChainItem(ChainPipeline.DistinctRow(9)), CancellationToken.None).AsTask();

            // Shutting down refuses the caller still waiting for room at once, while the device is still held.
            disposing = engine.DisposeAsync().AsTask();
            Assert.That(async () => await waiting.DefaultTimeout(), Throws.InstanceOf<InferenceUnavailableException>().With.Message.Contains("shutting down"));
            var queuedDoneWhileHeld = queued.Count(item => item.IsCompleted);
            release.Set();
            var results = await Task.WhenAll(queued.Prepend(inHand)).DefaultTimeout();

            Assert.Multiple(() =>
            {
                Assert.That(queuedDoneWhileHeld, Is.Zero);
                Assert.That(results.Select(result => result.IsSuccess), Has.All.True, "the item in hand and the 8 queued ones run");
            });
        }
        finally
        {
            release.Set();
            await (disposing ?? engine.DisposeAsync().AsTask()).DefaultTimeout();
        }
    }

    [Test]
    public async Task Submit_ItemThatCannotBeStaged_FailsAloneAndBatchingGoesOn()
    {
        await using var engine = await Pipelines.StartAsync(ChainPipeline.Options());

        // The engine validates items; the batcher is reached directly here, as by a caller that skipped that.
        var unstageable = engine.Batcher.SubmitAsync(InferenceItem.Single("not_an_input", TensorData.Float32([1, 2, 3, 4], 4)), CancellationToken.None);
        var result = await engine.InferAsync(ChainItem(ChainPipeline.DistinctRow(3)), CancellationToken.None).DefaultTimeout();

        Assert.Multiple(() =>
        {
            Assert.That(async () => await unstageable, Throws.InstanceOf<KeyNotFoundException>());
            Assert.That(result.Outputs!["c"].AsSpan<float>().ToArray(), Is.EqualTo(ChainPipeline.Expected(ChainPipeline.DistinctRow(3))).Within(1e-3f));
        });
    }
}
