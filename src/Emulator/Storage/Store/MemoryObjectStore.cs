using System.Collections.Concurrent;

namespace PullWorker.Emulator.Storage.Store;

/// <summary>The default store: bytes in a dictionary, gone when the process ends.</summary>
internal sealed class MemoryObjectStore : IObjectStore
{
    private readonly ConcurrentDictionary<(string Bucket, string Name), ReadOnlyMemory<byte>> _data = new();

    public StoreContents Load() => StoreContents.Empty;

    public void SaveBucket(BucketEntry bucket)
    {
    }

    public void SaveObject(ObjectEntry entry, ReadOnlyMemory<byte> data) => _data[(entry.Bucket, entry.Name)] = data;

    public ReadOnlyMemory<byte> ReadObject(ObjectEntry entry) =>
        _data.TryGetValue((entry.Bucket, entry.Name), out var data)
            ? data
            : throw new InvalidOperationException($"no bytes stored for {entry.Bucket}/{entry.Name}");

    public void DeleteObject(ObjectEntry entry) => _data.TryRemove((entry.Bucket, entry.Name), out _);
}
