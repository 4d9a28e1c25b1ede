using PullWorker.Inference.Configuration;
using PullWorker.Storage;
using PullWorker.Storage.Client;

namespace PullWorker.Worker.Pipeline;

/// <summary>
/// Turns <c>gs://</c> stage models into local files before the engine loads them, so one image serves every
/// model and the engine itself never speaks to Cloud Storage.
/// </summary>
internal sealed class ModelResolver(GcsClient storage)
{
    /// <summary>ONNX files larger than this are refused; a GPU model of several GB is already unusual.</summary>
    private const long MaxModelBytes = 8L * 1024 * 1024 * 1024;

    private static readonly string CacheDirectory = Path.Combine(Path.GetTempPath(), "pullworker-models");

    /// <summary>A copy of <paramref name="pipeline"/> whose stage models are all local paths.</summary>
    /// <exception cref="InvalidOperationException">A model is missing or unreadable; the message names its key.</exception>
    public async Task<PipelineOptions> ResolveAsync(PipelineOptions pipeline, CancellationToken cancellationToken)
    {
        for (var i = 0; i < pipeline.Stages.Count; i++)
        {
            var stage = pipeline.Stages[i];
            var key = $"Pipeline:Stages:{i}:Model";
            if (stage.Model.StartsWith(GcsUri.Scheme, StringComparison.Ordinal))
            {
                stage.Model = await DownloadAsync(key, stage.Model, cancellationToken);
            }
            else if (!File.Exists(stage.Model))
            {
                throw new InvalidOperationException($"{key}: no model file at '{Path.GetFullPath(stage.Model)}'; set it to an ONNX file or a gs:// URI");
            }
        }

        return pipeline;
    }

    private async Task<string> DownloadAsync(string key, string uri, CancellationToken cancellationToken)
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

            return path;
        }
        catch (GcsException e)
        {
            throw new InvalidOperationException($"{key}: cannot read {uri}: {e.Message}", e);
        }
    }
}
