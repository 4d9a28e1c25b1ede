using System.Collections.Concurrent;
using System.Text.Json;
using Google.Cloud.Storage.V1;
using PullWorker.Jobs.Results;
using PullWorker.Worker.Storage;
using StorageObject = Google.Apis.Storage.v1.Data.Object;

namespace PullWorker.Worker.Cli.Results;

/// <summary>Lists the result objects under a <c>gs://</c> prefix, reads them, and optionally saves them as files.</summary>
public sealed class ResultReader(StorageClient storage)
{
    /// <summary>Result documents are small; anything larger is not one.</summary>
    private const long MaxResultBytes = 64L * 1024 * 1024;

    private const int Concurrency = 16;

    /// <summary>Every object whose name starts with the prefix of <c>gs://bucket/prefix/</c>.</summary>
    public async Task<IReadOnlyList<StorageObject>> ListAsync(GcsUri prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var objects = new List<StorageObject>();
        await foreach (var item in storage.ListObjectsAsync(prefix.Bucket, prefix.ObjectName).WithCancellation(cancellationToken))
        {
            objects.Add(item);
        }

        return objects;
    }

    /// <summary>Reads <paramref name="objects"/> (listed under <paramref name="prefix"/>) as result documents.</summary>
    /// <param name="downloadDirectory">When set, each object is saved under it by its name relative to the prefix.</param>
    /// <param name="read">Called once per object read, for progress.</param>
    public async Task<ResultSet> ReadAsync(
        GcsUri prefix, IReadOnlyList<StorageObject> objects, string? downloadDirectory, Action read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(read);
        var root = downloadDirectory is null ? null : Path.GetFullPath(downloadDirectory);
        var results = new ConcurrentBag<(string Name, JobResult Result)>();
        var unreadable = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(
            objects,
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (item, token) =>
            {
                var size = (long)(item.Size ?? 0);
                if (size > MaxResultBytes)
                {
                    throw new ObjectTooLargeException(new GcsUri(item.Bucket, item.Name), size, MaxResultBytes);
                }

                using var buffer = new MemoryStream((int)size);
                await storage.DownloadObjectAsync(item, buffer, new DownloadObjectOptions { Generation = item.Generation }, token);
                var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
                if (root is not null)
                {
                    await SaveAsync(root, item.Name[prefix.ObjectName.Length..], bytes, token);
                }

                try
                {
                    results.Add((item.Name, JobResult.Parse(bytes.Span)));
                }
                catch (Exception e) when (e is JsonException or ArgumentException)
                {
                    unreadable.Add($"{item.Name}: {e.Message}");
                }

                read();
            });

        return new ResultSet(
            [.. results.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => r.Result)],
            [.. unreadable.Order(StringComparer.Ordinal)]);
    }

    private static async Task SaveAsync(string root, string relativeName, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        // Object names may hold anything; one that would land outside the directory is refused, not written.
        var path = Path.GetFullPath(Path.Combine(root, relativeName));
        if (relativeName.Length == 0 || !path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"object name '{relativeName}' does not map to a file under {root}");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, bytes, cancellationToken);
    }
}
