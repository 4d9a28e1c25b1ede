using Microsoft.Extensions.Time.Testing;
using PullWorker.Inference.Batching;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Stages;
using PullWorker.Inference.Tensors;
using PullWorker.Inference.Tests.Support;

namespace PullWorker.Inference.Tests.Batching;

public sealed class BlockSubmissionTests
{
    private static InferenceBlock ChainBlock(int firstRow, int rows) =>
        InferenceBlock.Single("x", TensorData.Float32([.. Enumerable.Range(firstRow, rows).SelectMany(ChainPipeline.DistinctRow)], rows, 4));

    private static float[] Row(TensorData rows, int row)
    {
        var perRow = (int)rows.Shape[1];
        return rows.AsSpan<float>().Slice(row * perRow, perRow).ToArray();
    }

    [Test]
    public async Task Block_SpanningBatches_EveryRowGetsItsOwnResultInOrder([Values] bool assemblerHandOff)
    {
        using var recorder = new MetricsRecorder();
        await using var engine = await Pipelines.StartAsync(ChainPipeline.Options(), new BatchingOptions { MaxBatchSize = 8 }, metrics: recorder.Metrics);
        engine.Batcher.AssemblerHandOffThreshold = assemblerHandOff ? TimeSpan.Zero : TimeSpan.MaxValue;
        var warmUpRuns = recorder.Values("inference.batch.size").Count;

        var result = await engine.InferBlockAsync(ChainBlock(0, 61), CancellationToken.None).DefaultTimeout();

        var sizes = recorder.Values("inference.batch.size").Skip(warmUpRuns).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Is.Null);
            Assert.That(result.RowErrors, Is.Empty);
            Assert.That(result.Outputs!["c"].Shape, Is.EqualTo(new long[] { 61, 2 }));
            for (var i = 0; i < 61; i++)
            {
                Assert.That(Row(result.Outputs!["c"], i), Is.EqualTo(ChainPipeline.Expected(ChainPipeline.DistinctRow(i))).Within(1e-3f), $"row {i}");
            }

            Assert.That(sizes, Has.All.InRange(1, 8));
            Assert.That(sizes.Sum(), Is.EqualTo(61));
            Assert.That(recorder.Values("inference.count").Sum(), Is.EqualTo(61));
        });
    }

    [Test]
    public async Task BlocksAndItems_ConcurrentUnderLoad_EachGetsItsOwnRows([Values] bool assemblerHandOff)
    {
        await using var engine = await Pipelines.StartAsync(ChainPipeline.Options(), new BatchingOptions { MaxBatchSize = 8, QueueCapacity = 4 });
        engine.Batcher.AssemblerHandOffThreshold = assemblerHandOff ? TimeSpan.Zero : TimeSpan.MaxValue;
        var blocks = Enumerable.Range(0, 12).Select(b => engine.InferBlockAsync(ChainBlock(100 * b, 3 + (b % 5) * 4), CancellationToken.None).AsTask()).ToArray();
        var items = Enumerable.Range(0, 40).Select(i => engine.InferAsync(InferenceItem.Single("x", TensorData.Float32(ChainPipeline.DistinctRow(5000 + i), 4)), CancellationToken.None).AsTask()).ToArray();

        var blockResults = await Task.WhenAll(blocks).DefaultTimeout();
        var itemResults = await Task.WhenAll(items).DefaultTimeout();

        Assert.Multiple(() =>
        {
            for (var b = 0; b < blocks.Length; b++)
            {
                for (var row = 0; row < blockResults[b].RowCount; row++)
                {
                    Assert.That(Row(blockResults[b].Outputs!["c"], row), Is.EqualTo(ChainPipeline.Expected(ChainPipeline.DistinctRow((100 * b) + row))).Within(1e-3f), $"block {b} row {row}");
                }
            }

            for (var i = 0; i < items.Length; i++)
            {
                Assert.That(itemResults[i].Outputs!["c"].AsSpan<float>().ToArray(), Is.EqualTo(ChainPipeline.Expected(ChainPipeline.DistinctRow(5000 + i))).Within(1e-3f), $"item {i}");
            }
        });
    }

    [Test]
    public async Task TwoBlocks_FillingOneBatch_RunTogetherAsOneFullBatch()
    {
        var time = new FakeTimeProvider();
        using var recorder = new MetricsRecorder();
        await using var engine = await Pipelines.StartAsync(
            ChainPipeline.Options(), new BatchingOptions { MaxBatchSize = 8, MaxDelay = TimeSpan.FromSeconds(10) }, time, recorder.Metrics);
        var warmUpRuns = recorder.Values("inference.batch.size").Count;

        // Fake time never moves: the 5 rows wait until the 3 fill the batch.
        var first = engine.InferBlockAsync(ChainBlock(0, 5), CancellationToken.None).AsTask();
        var second = engine.InferBlockAsync(ChainBlock(5, 3), CancellationToken.None).AsTask();
        var results = await Task.WhenAll(first, second).DefaultTimeout();

        Assert.Multiple(() =>
        {
            Assert.That(recorder.Values("inference.batch.size").Skip(warmUpRuns), Is.EqualTo(new[] { 8.0 }));
            Assert.That(Row(results[0].Outputs!["c"], 4), Is.EqualTo(ChainPipeline.Expected(ChainPipeline.DistinctRow(4))).Within(1e-3f));
            Assert.That(Row(results[1].Outputs!["c"], 0), Is.EqualTo(ChainPipeline.Expected(ChainPipeline.DistinctRow(5))).Within(1e-3f));
        });
    }

    [Test]
    public async Task Block_PoisonedRow_OnlyThatRowFailsAndHoldsZeros()
    {
        await using var engine = await Pipelines.StartAsync(Pipelines.Of(ModelFiles.Poisoned), new BatchingOptions { MaxBatchSize = 4 });
        var rows = Enumerable.Range(0, 10).Select(i => i == 6 ? [SampleModels.PoisonSentinel, 1, 2, 3] : new float[] { i, i + 1, i + 2, i + 3 }).ToArray();

        var result = await engine.InferBlockAsync(InferenceBlock.Single("x", TensorData.Float32([.. rows.SelectMany(r => r)], 10, 4)), CancellationToken.None).DefaultTimeout();

        Assert.Multiple(() =>
        {
            Assert.That(result.RowErrors.Keys, Is.EqualTo(new[] { 6 }));
            Assert.That(result.RowErrors[6].Code, Is.EqualTo("inference_failed"));
            for (var i = 0; i < rows.Length; i++)
            {
                var expected = i == 6 ? new float[4] : rows[i].Select(v => 2 * v).ToArray();
                Assert.That(Row(result.Outputs!["y"], i), Is.EqualTo(expected), $"row {i}");
            }
        });
    }

    [Test]
    public async Task Block_WithLabels_LabelsFollowEveryRowsIndices()
    {
        var options = Pipelines.Of(ModelFiles.Logits3);
        options.Postprocessing = new ClassificationOptions { TopK = 2, Labels = ModelFiles.WriteText("block-labels.txt", "cat\ndog\nbird\n") };
        await using var engine = await Pipelines.StartAsync(options);
        float[] features = [0f, MathF.Log(2), MathF.Log(3), MathF.Log(3), MathF.Log(2), 0f];

        var result = await engine.InferBlockAsync(InferenceBlock.Single("features", TensorData.Float32(features, 2, 3)), CancellationToken.None).DefaultTimeout();

        Assert.Multiple(() =>
        {
            Assert.That(result.Outputs!["indices"].AsSpan<long>().ToArray(), Is.EqualTo(new long[] { 2, 1, 0, 1 }));
            Assert.That(result.Outputs!["labels"].Shape, Is.EqualTo(new long[] { 2, 2 }));
            Assert.That(result.Outputs!["labels"].AsStrings(), Is.EqualTo(new[] { "bird", "dog", "cat", "dog" }));
        });
    }

    [Test]
    public async Task Block_DoesNotFitInputs_RefusedWithSpecificError()
    {
        await using var engine = await Pipelines.StartAsync(ChainPipeline.Options());

        var wrongShape = await engine.InferBlockAsync(InferenceBlock.Single("x", TensorData.Float32(new float[15], 3, 5)), CancellationToken.None).DefaultTimeout();
        var unknown = await engine.InferBlockAsync(InferenceBlock.Single("y", TensorData.Float32(new float[8], 2, 4)), CancellationToken.None).DefaultTimeout();
        var wrongType = await engine.InferBlockAsync(InferenceBlock.Single("x", TensorData.Int64(new long[8], 2, 4)), CancellationToken.None).DefaultTimeout();

        Assert.Multiple(() =>
        {
            Assert.That(wrongShape.Error, Is.EqualTo(new InferenceError("invalid_tensor", "input 'x': expected row shape [4] (4 values), got row shape [5] (5 values)")));
            Assert.That(wrongShape.IsSuccess, Is.False);
            Assert.That(unknown.Error?.Code, Is.EqualTo("unknown_input"));
            Assert.That(wrongType.Error, Is.EqualTo(new InferenceError("invalid_tensor", "input 'x': expected dtype float32, got int64")));
        });
    }

    [Test]
    public void InferenceBlock_InputsWithDifferentRowCounts_Throws()
    {
        var inputs = new Dictionary<string, TensorData>
        {
            ["a"] = TensorData.Float32(new float[8], 2, 4),
            ["b"] = TensorData.Float32(new float[12], 3, 4),
        };

        Assert.That(() => new InferenceBlock(inputs), Throws.ArgumentException.With.Message.Contains("same row count"));
    }

    [Test]
    public async Task Block_NoRows_CompletesWithEmptyOutputs()
    {
        await using var engine = await Pipelines.StartAsync(ChainPipeline.Options());

        var result = await engine.InferBlockAsync(ChainBlock(0, 0), CancellationToken.None).DefaultTimeout();

        Assert.That(result.Outputs!["c"].Shape, Is.EqualTo(new long[] { 0, 2 }));
    }

    [Test]
    public async Task Block_CanceledWhileWaitingForItsBatch_ThrowsAndSharedBatchStillServesOthers()
    {
        var time = new FakeTimeProvider();
        await using var engine = await Pipelines.StartAsync(
            ChainPipeline.Options(), new BatchingOptions { MaxBatchSize = 8, MaxDelay = TimeSpan.FromSeconds(10) }, time);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        engine.Batcher.PartialBatchHeld += count =>
        {
            if (count == 3)
            {
                held.TrySetResult();
            }
        };

        using var cancel = new CancellationTokenSource();
        var canceled = engine.InferBlockAsync(ChainBlock(0, 3), cancel.Token).AsTask();
        await held.Task.DefaultTimeout();
        await cancel.CancelAsync();
        var other = engine.InferBlockAsync(ChainBlock(10, 8), CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(10));
        var result = await other.DefaultTimeout();

        Assert.Multiple(() =>
        {
            Assert.That(async () => await canceled, Throws.InstanceOf<OperationCanceledException>());
            for (var row = 0; row < 8; row++)
            {
                Assert.That(Row(result.Outputs!["c"], row), Is.EqualTo(ChainPipeline.Expected(ChainPipeline.DistinctRow(10 + row))).Within(1e-3f), $"row {row}");
            }
        });
    }
}
