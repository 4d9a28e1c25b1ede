using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Google.Cloud.Storage.V1;
using PullWorker.Jobs;
using PullWorker.Jobs.Results;
using StorageObject = Google.Apis.Storage.v1.Data.Object;

namespace PullWorker.Tools.Results;

/// <summary>
/// Lists the result objects under a <c>gs://</c> prefix, reads them in either layout (<c>{id}.json</c> objects and
/// <c>batches/*.jsonl</c> objects of one document per line), keeps one result per job id, and optionally saves the
/// objects as files.
/// </summary>
public sealed class ResultReader(StorageClient storage)
{
    /// <summary>Result documents are small; anything larger is not one.</summary>
    private const long MaxResultBytes = 64L * 1024 * 1024;

    private const int Concurrency = 16;

    private const long MinChunkBytes = 4 * 1024;

    /// <summary>Every object whose name starts with the prefix of <c>gs://bucket/prefix/</c>.</summary>
    public async Task<IReadOnlyList<StorageObject>> ListAsync(GcsUri prefix, CancellationToken cancellationToken)
    {
        var objects = new List<StorageObject>();
        await foreach (var page in ListPagesAsync(prefix, cancellationToken))
        {
            objects.AddRange(page);
        }

        return objects;
    }

    /// <summary>The same objects a listing page at a time, so that a caller need not hold the whole listing.</summary>
    public async IAsyncEnumerable<IReadOnlyList<StorageObject>> ListPagesAsync(
        GcsUri prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var pages = storage.ListObjectsAsync(prefix.Bucket, prefix.ObjectName).AsRawResponses();
        await foreach (var page in pages.WithCancellation(cancellationToken))
        {
            yield return page.Items is { } items ? [.. items] : [];
        }
    }

    /// <summary>Reads <paramref name="objects"/> (listed under <paramref name="prefix"/>) as one result per job id.</summary>
    /// <param name="downloadDirectory">When set, each object is saved under it by its name relative to the prefix.</param>
    /// <param name="read">Called once per object read, for progress.</param>
    public async Task<ResultSet> ReadAsync(
        GcsUri prefix, IReadOnlyList<StorageObject> objects, string? downloadDirectory, Action read, CancellationToken cancellationToken) =>
        ResultSet.Merge(await ReadObjectsAsync(prefix, objects, downloadDirectory, read, cancellationToken));

    /// <summary>
    /// The ids that have a result under <paramref name="prefix"/>, whatever its status, in either layout. An object
    /// <c>{prefix}{id}.json</c> names its id, so only batch objects (<c>.jsonl</c>) are read: a re-run over a large
    /// prefix of object-layout results costs one listing.
    /// </summary>
    public async Task<HashSet<string>> IdsAsync(GcsUri prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var objects = await ListAsync(prefix, cancellationToken);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in objects.Where(o => o.Name.EndsWith(ResultObjects.JobExtension, StringComparison.Ordinal)))
        {
            if (JobId.TryParse(item.Name[prefix.ObjectName.Length..^ResultObjects.JobExtension.Length], out var id, out _))
            {
                ids.Add(id.Value);
            }
        }

        var batches = objects.Where(o => o.Name.EndsWith(ResultObjects.BatchExtension, StringComparison.Ordinal)).ToList();
        var set = await ReadAsync(prefix, batches, downloadDirectory: null, () => { }, cancellationToken);
        ids.UnionWith(set.Results.Select(r => r.Id.Value));
        return ids;
    }

    /// <summary>
    /// Each of <paramref name="objects"/> read, in no particular order. An object is parsed as soon as it arrives and
    /// only its outlines are kept, so memory follows the number of results, not the size of their outputs.
    /// </summary>
    /// <param name="downloadDirectory">When set, each object is saved under it by its name relative to the prefix.</param>
    /// <param name="read">Called once per object read, for progress.</param>
    public async Task<IReadOnlyCollection<ResultObject>> ReadObjectsAsync(
        GcsUri prefix, IReadOnlyList<StorageObject> objects, string? downloadDirectory, Action read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(read);
        var root = downloadDirectory is null ? null : Path.GetFullPath(downloadDirectory);
        var parsed = new ConcurrentBag<ResultObject>();
        await Parallel.ForEachAsync(
            objects,
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (item, token) =>
            {
                var size = (long)(item.Size ?? 0);
                if (size > MaxResultBytes)
                {
                    throw new ResultTooLargeException(new GcsUri(item.Bucket, item.Name), size, MaxResultBytes);
                }

                using var buffer = new MemoryStream((int)size);
                // One request per object, and a buffer its size: the client's default chunk (megabytes) allocated
                // for each of thousands of small results made a 10,000-result read take 1.7 GB.
                var options = new DownloadObjectOptions { Generation = item.Generation, ChunkSize = (int)Math.Max(size, MinChunkBytes) };
                await storage.DownloadObjectAsync(item, buffer, options, token);
                var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
                if (root is not null)
                {
                    await SaveAsync(root, item.Name[prefix.ObjectName.Length..], bytes, token);
                }

                parsed.Add(ResultObject.Read(item.Name, bytes));
                read();
            });

        return parsed;
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
