using Microsoft.Extensions.Time.Testing;
using PullWorker.Inference.Batching;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Tensors;
using PullWorker.Inference.Tests.Support;

namespace PullWorker.Inference.Tests.Batching;

/// <summary>The device loop cannot hang its callers: whatever breaks it fails every waiting item at once.</summary>
public sealed class BrokenEngineTests
{
    private static InferenceItem ChainItem(int i) => InferenceItem.Single("x", TensorData.Float32(ChainPipeline.DistinctRow(i), 4));

    [Test]
    public async Task DeviceLoop_UnexpectedException_FailsBatchAndQueueFastAndBrokenFaults()
    {
        using var recorder = new MetricsRecorder();
        await using var engine = await Pipelines.StartAsync(
            ChainPipeline.Options(), new BatchingOptions { MaxBatchSize = 2 }, metrics: recorder.Metrics);
        var batchStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();
        engine.Batcher.BeforeBatch = _ =>
        {
            batchStarted.TrySetResult();
            release.Wait(TaskTimeouts.Default);
            throw new InvalidOperationException("simulated bug in the device loop");
        };

        var inHand = engine.InferAsync(ChainItem(0), CancellationToken.None).AsTask();
        await batchStarted.Task.DefaultTimeout();
        var queued = Enumerable.Range(1, 5).Select(i => engine.InferAsync(ChainItem(i), CancellationToken.None).AsTask()).ToArray();
        release.Set();

        var broken = Assert.ThrowsAsync<InferenceUnavailableException>(async () => await engine.Broken.DefaultTimeout());
        Assert.Multiple(() =>
        {
            Assert.That(broken!.Message, Does.Contain("device loop failed").And.Contain("simulated bug in the device loop"));
            foreach (var item in queued.Prepend(inHand))
            {
                Assert.That(async () => await item.DefaultTimeout(), Throws.InstanceOf<InferenceUnavailableException>().With.Message.Contains("simulated bug"));
            }

            Assert.That(
                async () => await engine.InferAsync(ChainItem(7), CancellationToken.None).DefaultTimeout(),
                Throws.InstanceOf<InferenceUnavailableException>().With.Message.Contains("device loop failed"),
                "a broken engine refuses new items at once");
            Assert.That(recorder.Values("inference.failures", "device").Sum(), Is.EqualTo(6), "the item in hand and the five queued");
        });
        await engine.DisposeAsync().AsTask().DefaultTimeout();
    }

    [Test]
    public async Task KnownGoodBatchFails_DeviceBlamedNotTheItems_EngineBroken()
    {
        // ONNX Runtime's terminate flag makes every run fail, as a lost device does: splitting the batch isolates
        // nothing, and the warm-up input failing too puts the fault on the device.
        using var recorder = new MetricsRecorder();
        await using var engine = await Pipelines.StartAsync(
            ChainPipeline.Options(), new BatchingOptions { MaxBatchSize = 4, MaxDelay = TimeSpan.FromSeconds(10) }, new FakeTimeProvider(), recorder.Metrics);
        engine.Executor.Terminate();

        var items = Enumerable.Range(0, 4).Select(i => engine.InferAsync(ChainItem(i), CancellationToken.None).AsTask()).ToArray();

        Assert.Multiple(() =>
        {
            foreach (var item in items)
            {
                Assert.That(async () => await item.DefaultTimeout(), Throws.InstanceOf<InferenceUnavailableException>().With.Message.StartsWith("the device failed"));
            }

            Assert.That(async () => await engine.Broken.DefaultTimeout(), Throws.InstanceOf<InferenceUnavailableException>().With.Message.Contains("known-good batch"));
            Assert.That(recorder.Values("inference.failures", "inference_failed"), Is.Empty, "no item is blamed for the device");
        });
    }

    [Test]
    public async Task HealthyEngine_AfterItemsAndDispose_BrokenNeverCompletes()
    {
        var engine = await Pipelines.StartAsync(ChainPipeline.Options());
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => engine.InferAsync(ChainItem(i), CancellationToken.None).AsTask())).DefaultTimeout();
        await engine.DisposeAsync().AsTask().DefaultTimeout();

        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.IsSuccess), Has.All.True);
            Assert.That(engine.Broken.IsCompleted, Is.False);
        });
    }

    [Test]
    public async Task Dispose_BatchNeverFinishes_GivesUpAfterDrainTimeoutAndFailsTheQueue()
    {
        var time = new FakeTimeProvider();
        var engine = await Pipelines.StartAsync(ChainPipeline.Options(), new BatchingOptions { MaxBatchSize = 1 }, time);
        engine.Batcher.DrainTimeout = TimeSpan.FromSeconds(5);
        var batchStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();
        engine.Batcher.BeforeBatch = _ =>
        {
            batchStarted.TrySetResult();
            release.Wait(TaskTimeouts.Default);
        };
        var inHand = engine.InferAsync(ChainItem(0), CancellationToken.None).AsTask();
        await batchStarted.Task.DefaultTimeout();
        var queued = Enumerable.Range(1, 3).Select(i => engine.InferAsync(ChainItem(i), CancellationToken.None).AsTask()).ToArray();

        var dispose = engine.DisposeAsync().AsTask();
        for (var advances = 0; !dispose.IsCompleted && advances < 200; advances++)
        {
            // Each drain wait is on the fake clock; step it until dispose has given up twice.
            time.Advance(TimeSpan.FromSeconds(5));
            await Task.WhenAny(dispose, Task.Delay(10));
        }

        await dispose.DefaultTimeout();
        Assert.Multiple(() =>
        {
            Assert.That(engine.Batcher.DeviceStuck, Is.True);
            foreach (var item in queued)
            {
                Assert.That(async () => await item.DefaultTimeout(), Throws.InstanceOf<InferenceUnavailableException>().With.Message.Contains("stopped before this item ran"));
            }
        });

        // The stuck batch comes back terminated: its item is answered too, not left waiting.
        release.Set();
        Assert.That(async () => await inHand.DefaultTimeout(), Throws.InstanceOf<InferenceUnavailableException>());
    }
}
