using System.Collections.Concurrent;
using PullWorker.Emulator.Storage.Errors;

namespace PullWorker.Emulator.Storage.Store;

/// <summary>
/// The semantics of Cloud Storage over an <see cref="IObjectStore"/>: buckets, live object generations,
/// preconditions and listing. Thread-safe; writers of one bucket serialise on its lock only for the
/// check-then-commit step, so a create-only race has exactly one winner.
/// </summary>
internal sealed class StorageCatalog
{
    private readonly ConcurrentDictionary<string, BucketState> _buckets = new(StringComparer.Ordinal);
    private readonly IObjectStore _store;
    private readonly TimeProvider _time;
    private readonly GenerationClock _generations;
    private readonly Lock _bucketCreation = new();

    public StorageCatalog(IObjectStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
        _generations = new GenerationClock(time);
        var contents = store.Load();
        foreach (var bucket in contents.Buckets)
        {
            _buckets[bucket.Name] = new BucketState(bucket);
        }

        foreach (var entry in contents.Objects)
        {
            _buckets[entry.Bucket].Put(entry);
            _generations.Observe(entry.Generation);
        }
    }

    public IEnumerable<BucketEntry> Buckets => _buckets.Values.Select(state => state.Info).OrderBy(b => b.Name, StringComparer.Ordinal);

    /// <summary>Creates the bucket; false when it already existed.</summary>
    /// <exception cref="StorageException">400 for an invalid name.</exception>
    public bool CreateBucket(string name, string project)
    {
        if (NameRules.BucketNameProblem(name) is { } problem)
        {
            throw StorageException.Invalid(problem);
        }

        lock (_bucketCreation)
        {
            if (_buckets.ContainsKey(name))
            {
                return false;
            }

            var bucket = new BucketEntry(name, project, _time.GetUtcNow());
            _store.SaveBucket(bucket);
            _buckets[name] = new BucketState(bucket);
            return true;
        }
    }

    public BucketEntry GetBucket(string name) => State(name).Info;

    /// <summary>
    /// Checks the bucket exists and the name is valid. Preconditions are not checked here: Google
    /// evaluates them only when a resumable upload completes.
    /// </summary>
    /// <exception cref="StorageException">404 bucket, 400 name.</exception>
    public void CheckUploadTarget(string bucket, string name)
    {
        CheckObjectName(name);
        State(bucket);
    }

    /// <summary>Stores a new live generation of the object.</summary>
    /// <exception cref="StorageException">404 bucket, 412 precondition, 400 name or hash mismatch.</exception>
    public ObjectEntry Write(string bucket, ObjectDraft draft, Preconditions conditions)
    {
        CheckObjectName(draft.Name);
        var state = State(bucket);
        var md5 = Checksums.Md5Base64(draft.Data.Span);
        var crc32c = Checksums.Crc32cBase64(draft.Data.Span);
        CheckHash("MD5", draft.Expected.Md5Hash, md5);
        CheckHash("CRC32C", draft.Expected.Crc32c, crc32c);
        lock (state.Gate)
        {
            conditions.CheckWrite(state.Find(draft.Name));
            var now = _time.GetUtcNow();
            var entry = new ObjectEntry(bucket, draft.Name, _generations.Next(), 1, draft.ContentType, draft.Metadata,
                draft.Data.Length, md5, crc32c, now, now);
            _store.SaveObject(entry, draft.Data);
            state.Put(entry);
            return entry;
        }
    }

    public ObjectEntry GetObject(string bucket, string name, long? generation, Preconditions conditions)
    {
        var state = State(bucket);
        lock (state.Gate)
        {
            return Live(state, name, generation, conditions);
        }
    }

    public (ObjectEntry Entry, ReadOnlyMemory<byte> Data) ReadObject(
        string bucket, string name, long? generation, Preconditions conditions)
    {
        var state = State(bucket);
        lock (state.Gate)
        {
            var entry = Live(state, name, generation, conditions);
            return (entry, _store.ReadObject(entry));
        }
    }

    public void DeleteObject(string bucket, string name, long? generation, Preconditions conditions)
    {
        var state = State(bucket);
        lock (state.Gate)
        {
            var entry = Live(state, name, generation, Preconditions.None);
            conditions.CheckWrite(entry);
            _store.DeleteObject(entry);
            state.Remove(name);
        }
    }

    public ObjectPage List(string bucket, ListQuery query)
    {
        var state = State(bucket);
        var after = query.PageToken is null ? null : PageToken.Decode(query.PageToken);
        var items = new List<ObjectEntry>();
        var prefixes = new List<string>();
        PageToken? last = null;
        lock (state.Gate)
        {
            var from = after is null || string.CompareOrdinal(query.Prefix, after.Key) > 0 ? query.Prefix : after.Key;
            foreach (var entry in state.From(from))
            {
                if (!entry.Name.StartsWith(query.Prefix, StringComparison.Ordinal))
                {
                    break;
                }

                if (after?.Covers(entry.Name) == true || last?.Covers(entry.Name) == true && last.IsPrefix)
                {
                    continue;
                }

                if (items.Count + prefixes.Count == query.MaxResults)
                {
                    return new ObjectPage(items, prefixes, last!.Encode());
                }

                var collapsed = CollapsedPrefix(entry.Name, query);
                if (collapsed is null)
                {
                    items.Add(entry);
                    last = new PageToken(entry.Name, IsPrefix: false);
                }
                else
                {
                    prefixes.Add(collapsed);
                    last = new PageToken(collapsed, IsPrefix: true);
                }
            }
        }

        return new ObjectPage(items, prefixes, NextPageToken: null);
    }

    /// <summary>Every live object under a prefix with its bytes, for test hooks.</summary>
    public IReadOnlyList<(ObjectEntry Entry, ReadOnlyMemory<byte> Data)> ReadAll(string bucket, string prefix)
    {
        if (!_buckets.TryGetValue(bucket, out var state))
        {
            throw new KeyNotFoundException($"no bucket named '{bucket}'");
        }

        lock (state.Gate)
        {
            return state.From(prefix)
                .TakeWhile(entry => entry.Name.StartsWith(prefix, StringComparison.Ordinal))
                .Select(entry => (entry, _store.ReadObject(entry)))
                .ToList();
        }
    }

    public bool TryRead(string bucket, string name, out ObjectEntry? entry, out ReadOnlyMemory<byte> data)
    {
        entry = null;
        data = default;
        if (!_buckets.TryGetValue(bucket, out var state))
        {
            return false;
        }

        lock (state.Gate)
        {
            entry = state.Find(name);
            data = entry is null ? default : _store.ReadObject(entry);
            return entry is not null;
        }
    }

    private BucketState State(string bucket) =>
        _buckets.TryGetValue(bucket, out var state) ? state : throw StorageException.BucketNotFound(bucket);

    private static ObjectEntry Live(BucketState state, string name, long? generation, Preconditions conditions)
    {
        var entry = state.Find(name);
        if (entry is null || (generation is { } wanted && wanted != entry.Generation))
        {
            throw StorageException.ObjectNotFound(state.Info.Name, name);
        }

        conditions.CheckRead(entry);
        return entry;
    }

    private static string? CollapsedPrefix(string name, ListQuery query)
    {
        if (string.IsNullOrEmpty(query.Delimiter))
        {
            return null;
        }

        var at = name.IndexOf(query.Delimiter, query.Prefix.Length, StringComparison.Ordinal);
        return at < 0 ? null : name[..(at + query.Delimiter.Length)];
    }

    private static void CheckObjectName(string name)
    {
        if (NameRules.ObjectNameProblem(name) is { } problem)
        {
            throw StorageException.Invalid(problem);
        }
    }

    private static void CheckHash(string kind, string? expected, string actual)
    {
        if (expected is not null && expected != actual)
        {
            throw StorageException.Invalid(
                $"Provided {kind} hash \"{expected}\" doesn't match calculated {kind} hash \"{actual}\".");
        }
    }
}
