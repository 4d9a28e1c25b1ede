using System.Collections.Concurrent;
using System.Text.Json;
using PullWorker.Jobs.Results;
using PullWorker.Storage;
using PullWorker.Storage.Client;

namespace PullWorker.Worker.Cli.Results;

/// <summary>Lists the result objects under a <c>gs://</c> prefix, reads them, and optionally saves them as files.</summary>
public sealed class ResultReader(GcsClient storage)
{
    /// <summary>Result documents are small; anything larger is not one.</summary>
    private const long MaxResultBytes = 64L * 1024 * 1024;

    private const int Concurrency = 16;

    /// <summary>Every object whose name starts with the prefix of <c>gs://bucket/prefix/</c>.</summary>
    public async Task<IReadOnlyList<GcsObject>> ListAsync(GcsUri prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var objects = new List<GcsObject>();
        await foreach (var item in storage.ListAsync(prefix.Bucket, prefix.ObjectName, cancellationToken))
        {
            objects.Add(item);
        }

        return objects;
    }

    /// <summary>Reads <paramref name="objects"/> (listed under <paramref name="prefix"/>) as result documents.</summary>
    /// <param name="downloadDirectory">When set, each object is saved under it by its name relative to the prefix.</param>
    /// <param name="read">Called once per object read, for progress.</param>
    public async Task<ResultSet> ReadAsync(
        GcsUri prefix, IReadOnlyList<GcsObject> objects, string? downloadDirectory, Action read, CancellationToken cancellationToken)
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
                var bytes = await storage.DownloadAsync(item.Uri, MaxResultBytes, item.Generation, token);
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
