using PullWorker.Inference;
using PullWorker.Inference.Tensors;
using PullWorker.Jobs;
using PullWorker.Jobs.Results;

namespace PullWorker.Worker.Processing;

/// <summary>Builds the contract's result documents from what the engine returned.</summary>
internal sealed class ResultDocuments(TimeProvider time)
{
    /// <summary>
    /// The pipeline as results name it: the user models' names joined by <c>+</c>, and one SHA-256 for the whole
    /// pipeline (of the stage hashes in order, built-in stages included, since their settings change outputs too).
    /// </summary>
    public static ModelInfo Describe(InferenceEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var models = engine.Models;
        var userModels = models.Where(m => !m.Source.StartsWith("builtin:", StringComparison.Ordinal)).Select(m => m.Name);
        var sha256 = models.Count == 1
            ? models[0].Sha256
            : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
                System.Text.Encoding.ASCII.GetBytes(string.Join('\n', models.Select(m => m.Sha256)))));
        return new ModelInfo(string.Join('+', userModels), sha256);
    }

    public JobResult Succeeded(JobReceipt job, IReadOnlyDictionary<string, TensorData> outputs) =>
        JobResult.Succeeded(
            job.Id, job.MessageId, outputs.ToDictionary(o => o.Key, o => ToOutputTensor(o.Value), StringComparer.Ordinal),
            job.Pipeline.Info, job.PublishTime, time.GetUtcNow(), job.DeliveryAttempt);

    public JobResult Failed(JobReceipt job, JobError error) =>
        JobResult.Failed(job.Id, job.MessageId, error, job.Pipeline.Info, job.PublishTime, time.GetUtcNow(), job.DeliveryAttempt);

    private static OutputTensor ToOutputTensor(TensorData tensor)
    {
        var shape = tensor.Shape.ToArray();
        return tensor.Data switch
        {
            float[] values => new OutputTensor<float>(values, shape),
            Half[] values => new OutputTensor<Half>(values, shape),
            long[] values => new OutputTensor<long>(values, shape),
            int[] values => new OutputTensor<int>(values, shape),
            bool[] values => new OutputTensor<bool>(values, shape),
            byte[] values when tensor.DataType == TensorDataType.UInt8 => new OutputTensor<byte>(values, shape),
            string[] values => new StringOutputTensor(values, shape),
            _ => throw new NotSupportedException($"outputs of dtype {tensor.DataType.ToContractName()} cannot be written to results"),
        };
    }
}
