using Google.Cloud.Storage.V1;
using PullWorker.Inference.Configuration;
using PullWorker.Jobs;
using PullWorker.Worker.Storage;

namespace PullWorker.Worker.Models;

/// <summary>
/// Turns <c>gs://</c> stage models into local files before the engine loads them, so one image serves every
/// model and the engine itself never speaks to Cloud Storage. Objects are streamed to disk, never held in memory,
/// so a model of any size loads; objects whose names extend the model's in the same folder (<c>model.onnx_data</c>
/// beside <c>model.onnx</c>) are ONNX external weight files and are downloaded beside it. Downloads are cached by
/// version: the newest generation among the model and its weight files.
/// </summary>
internal sealed class ModelResolver(StorageClient storage, StorageOptions options, TimeProvider time)
{
    /// <summary>ONNX files larger than this are refused; a GPU model of several GB is already unusual.</summary>
    private const long MaxModelBytes = 8L * 1024 * 1024 * 1024;

    private static readonly string CacheDirectory = Path.Combine(Path.GetTempPath(), "pullworker-models");

    private readonly TransientRetry _retry = new(options, time);
    private readonly ListObjectsOptions _listOptions = new() { RetryOptions = options.IdempotentRetries() };

    /// <summary>True when some stage comes from Cloud Storage, so a new generation can replace it.</summary>
    public static bool HasRemoteStages(PipelineOptions pipeline) => pipeline.Stages.Any(stage => IsRemote(stage.Model));

    /// <summary>The pipeline with its <c>gs://</c> stage models downloaded (or found in the cache).</summary>
    /// <exception cref="PipelineSetupException">A model is missing or unreadable; the message names its key.</exception>
    public async Task<ResolvedPipeline> ResolveAsync(
        PipelineOptions pipeline, CancellationToken cancellationToken)
    {
        var stages = new List<StageOptions>(pipeline.Stages.Count);
        var generations = new List<long?>(pipeline.Stages.Count);
        var downloads = new List<string>();
        for (var i = 0; i < pipeline.Stages.Count; i++)
        {
            var stage = pipeline.Stages[i];
            var key = $"Pipeline:Stages:{i}:Model";
            var (path, generation) = IsRemote(stage.Model)
                ? await DownloadAsync(key, stage.Model, cancellationToken)
                : (LocalFile(key, stage.Model), (long?)null);
            stages.Add(stage.WithModel(path));
            generations.Add(generation);
            if (IsRemote(stage.Model))
            {
                downloads.Add(Path.GetDirectoryName(path)!);
            }
        }

        return new ResolvedPipeline(pipeline.WithStages(stages), generations, downloads);
    }

    /// <summary>
    /// Deletes downloaded model folders no version uses any more: a worker that lives through many model updates
    /// would otherwise fill its disk with every version it ever ran.
    /// </summary>
    public static void Delete(IEnumerable<string> downloads)
    {
        foreach (var directory in downloads.Where(d => d.StartsWith(CacheDirectory, StringComparison.Ordinal)))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The current version of each <c>gs://</c> stage model (null for a local one).</summary>
    public async Task<IReadOnlyList<long?>> GenerationsAsync(PipelineOptions pipeline, CancellationToken cancellationToken)
    {
        var generations = new List<long?>(pipeline.Stages.Count);
        foreach (var stage in pipeline.Stages)
        {
            generations.Add(IsRemote(stage.Model)
                ? Version(await FilesAsync(GcsUri.Parse(stage.Model), cancellationToken))
                : null);
        }

        return generations;
    }

    private static bool IsRemote(string model) => model.StartsWith(GcsUri.Scheme, StringComparison.Ordinal);

    private static string LocalFile(string key, string path) =>
        File.Exists(path)
            ? path
            : throw new PipelineSetupException($"{key}: no model file at '{Path.GetFullPath(path)}'; set it to an ONNX file or a gs:// URI");

    private async Task<(string Path, long? Generation)> DownloadAsync(string key, string uri, CancellationToken cancellationToken)
    {
        if (!GcsUri.TryParse(uri, out var source, out var error) || source.ObjectName.Length == 0)
        {
            throw new PipelineSetupException($"{key}: {error ?? $"'{uri}' names no object"}");
        }

        try
        {
            var files = await FilesAsync(source, cancellationToken);
            if (files.Count == 0)
            {
                throw new PipelineSetupException($"{key}: {uri} does not exist");
            }

            var generation = Version(files);
            var directory = Path.Combine(CacheDirectory, source.Bucket, $"{source.ObjectName}.{generation}");
            var path = Path.Combine(directory, Path.GetFileName(source.ObjectName));
            if (!File.Exists(path))
            {
                await DownloadFolderAsync(source, files, directory, cancellationToken);
            }

            return (path, generation);
        }
        catch (Exception e) when (e is Google.GoogleApiException or HttpRequestException or IOException or TimeoutException)
        {
            throw new PipelineSetupException($"{key}: cannot read {uri}: {e.Message}", e);
        }
    }

    /// <summary>
    /// The model object and its external weight files (objects in its folder whose names extend its name), or none
    /// when the model object does not exist.
    /// </summary>
    private async Task<IReadOnlyList<Google.Apis.Storage.v1.Data.Object>> FilesAsync(GcsUri model, CancellationToken cancellationToken)
    {
        var folder = model.ObjectName[..(model.ObjectName.LastIndexOf('/') + 1)];
        var files = new List<Google.Apis.Storage.v1.Data.Object>();
        await foreach (var item in storage.ListObjectsAsync(model.Bucket, model.ObjectName, _listOptions).WithCancellation(cancellationToken))
        {
            if (!item.Name[folder.Length..].Contains('/', StringComparison.Ordinal))
            {
                files.Add(item);
            }
        }

        return files.Exists(f => f.Name == model.ObjectName) ? files : [];
    }

    /// <summary>
    /// One number that changes whenever the model or one of its weight files is replaced: a generation is the time
    /// its object was written, so the newest is the version of the set. Replacing only the weights counts; a model
    /// that is gone has none.
    /// </summary>
    private static long? Version(IEnumerable<Google.Apis.Storage.v1.Data.Object> files) => files.Max(f => f.Generation);

    /// <summary>The model and its external weight files, into a new folder that appears whole or not at all.</summary>
    private async Task DownloadFolderAsync(
        GcsUri source, IReadOnlyList<Google.Apis.Storage.v1.Data.Object> files, string directory, CancellationToken cancellationToken)
    {
        var folder = source.ObjectName[..(source.ObjectName.LastIndexOf('/') + 1)];
        var staging = directory + $".partial-{Guid.NewGuid():N}";
        Directory.CreateDirectory(staging);
        try
        {
            foreach (var file in files)
            {
                if ((long)(file.Size ?? 0) > MaxModelBytes)
                {
                    throw new IOException($"gs://{file.Bucket}/{file.Name} is {file.Size} bytes; models are limited to {MaxModelBytes}");
                }

                await DownloadToFileAsync(file, Path.Combine(staging, file.Name[folder.Length..]), cancellationToken);
            }

            try
            {
                Directory.Move(staging, directory);
            }
            catch (IOException) when (Directory.Exists(directory))
            {
                // Another resolver (a reload racing start-up) finished the same generation first.
            }
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private Task DownloadToFileAsync(Google.Apis.Storage.v1.Data.Object item, string path, CancellationToken cancellationToken) =>
        _retry.RunAsync(
            async token =>
            {
                // A retry starts the file over; the client checks the whole object's CRC32C as it streams.
                await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                await storage.DownloadObjectAsync(item, file, new DownloadObjectOptions { Generation = item.Generation }, token);
                return true;
            },
            Timeout.InfiniteTimeSpan,
            cancellationToken);
}
