using PullWorker.Inference.Configuration;
using PullWorker.Storage;
using PullWorker.Storage.Client;

namespace PullWorker.Worker.Pipeline;

/// <summary>
/// Turns <c>gs://</c> stage models into local files before the engine loads them, so one image serves every
/// model and the engine itself never speaks to Cloud Storage. Downloads are cached by object generation.
/// </summary>
internal sealed class ModelResolver(GcsClient storage)
{
    /// <summary>ONNX files larger than this are refused; a GPU model of several GB is already unusual.</summary>
    private const long MaxModelBytes = 8L * 1024 * 1024 * 1024;

    private static readonly string CacheDirectory = Path.Combine(Path.GetTempPath(), "pullworker-models");

    /// <summary>True when some stage comes from Cloud Storage, so a new generation can replace it.</summary>
    public static bool HasRemoteStages(PipelineOptions pipeline) => pipeline.Stages.Any(stage => IsRemote(stage.Model));

    /// <summary>
    /// A copy of <paramref name="pipeline"/> whose stage models are all local paths, and the generation of each
    /// <c>gs://</c> model it used (null for a local one).
    /// </summary>
    /// <exception cref="InvalidOperationException">A model is missing or unreadable; the message names its key.</exception>
    public async Task<(PipelineOptions Local, IReadOnlyList<long?> Generations)> ResolveAsync(
        PipelineOptions pipeline, CancellationToken cancellationToken)
    {
        var stages = new List<StageOptions>(pipeline.Stages.Count);
        var generations = new List<long?>(pipeline.Stages.Count);
        for (var i = 0; i < pipeline.Stages.Count; i++)
        {
            var stage = pipeline.Stages[i];
            var key = $"Pipeline:Stages:{i}:Model";
            var (path, generation) = IsRemote(stage.Model)
                ? await DownloadAsync(key, stage.Model, cancellationToken)
                : (LocalFile(key, stage.Model), (long?)null);
            stages.Add(new StageOptions { Model = path, Inputs = stage.Inputs, Outputs = stage.Outputs });
            generations.Add(generation);
        }

        return (CopyWith(pipeline, stages), generations);
    }

    /// <summary>The current generation of each <c>gs://</c> stage model (null for a local one).</summary>
    public async Task<IReadOnlyList<long?>> GenerationsAsync(PipelineOptions pipeline, CancellationToken cancellationToken)
    {
        var generations = new List<long?>(pipeline.Stages.Count);
        foreach (var stage in pipeline.Stages)
        {
            generations.Add(IsRemote(stage.Model)
                ? (await storage.GetMetadataAsync(GcsUri.Parse(stage.Model), cancellationToken)).Generation
                : null);
        }

        return generations;
    }

    private static bool IsRemote(string model) => model.StartsWith(GcsUri.Scheme, StringComparison.Ordinal);

    private static string LocalFile(string key, string path) =>
        File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{key}: no model file at '{Path.GetFullPath(path)}'; set it to an ONNX file or a gs:// URI");

    private async Task<(string Path, long? Generation)> DownloadAsync(string key, string uri, CancellationToken cancellationToken)
    {
        if (!GcsUri.TryParse(uri, out var source, out var error))
        {
            throw new InvalidOperationException($"{key}: {error}");
        }

        try
        {
            var metadata = await storage.GetMetadataAsync(source, cancellationToken);
            var path = Path.Combine(CacheDirectory, source.Bucket, $"{source.ObjectName}.{metadata.Generation}");
            if (!File.Exists(path))
            {
                var bytes = await storage.DownloadAsync(source, MaxModelBytes, metadata.Generation, cancellationToken);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                var partial = path + ".partial";
                await File.WriteAllBytesAsync(partial, bytes, cancellationToken);
                File.Move(partial, path, overwrite: true);
            }

            return (path, metadata.Generation);
        }
        catch (GcsException e)
        {
            throw new InvalidOperationException($"{key}: cannot read {uri}: {e.Message}", e);
        }
    }

    private static PipelineOptions CopyWith(PipelineOptions pipeline, List<StageOptions> stages) => new()
    {
        Stages = stages,
        Device = pipeline.Device,
        DeviceId = pipeline.DeviceId,
        Outputs = pipeline.Outputs,
        Image = pipeline.Image,
        Postprocessing = pipeline.Postprocessing,
        BatchSizes = pipeline.BatchSizes,
        SymbolicDims = pipeline.SymbolicDims,
        IntraOpThreads = pipeline.IntraOpThreads,
        IntraOpSpinning = pipeline.IntraOpSpinning,
        Cuda = pipeline.Cuda,
    };
}
