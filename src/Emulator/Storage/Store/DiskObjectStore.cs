using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.StaticFiles;
using PullWorker.Emulator.Storage.Errors;

namespace PullWorker.Emulator.Storage.Store;

/// <summary>
/// Keeps objects in a folder a person can browse: the bytes of <c>gs://b/x/y.json</c> are the file
/// <c>DIR/b/x/y.json</c>. Everything else (generation, content type, custom metadata) lives apart in
/// <c>DIR/.gcs-emulator/</c>, which no bucket can collide with because bucket names start with a letter or
/// digit. Files are replaced atomically (write aside, then rename) so a reader never sees half an object.
/// </summary>
internal sealed class DiskObjectStore : IObjectStore
{
    private const string MetadataFolder = ".gcs-emulator";
    private const string SidecarSuffix = ".json";
    private const int MaxFileNameBytes = 255;

    private static readonly JsonSerializerOptions SidecarJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    private readonly string _root;
    private readonly string _bucketSidecars;
    private readonly string _objectSidecars;
    private readonly string _staging;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public DiskObjectStore(string root, TimeProvider time, ILogger<DiskObjectStore> logger)
    {
        _root = Path.GetFullPath(root);
        _bucketSidecars = Path.Combine(_root, MetadataFolder, "buckets");
        _objectSidecars = Path.Combine(_root, MetadataFolder, "objects");
        _staging = Path.Combine(_root, MetadataFolder, "staging");
        _time = time;
        _logger = logger;
    }

    public StoreContents Load()
    {
        Directory.CreateDirectory(_bucketSidecars);
        Directory.CreateDirectory(_objectSidecars);
        Directory.CreateDirectory(_staging);
        foreach (var leftover in Directory.EnumerateFiles(_staging))
        {
            // A write interrupted by a crash; the object it was replacing is intact.
            File.Delete(leftover);
        }

        var buckets = new List<BucketEntry>();
        var objects = new List<ObjectEntry>();
        foreach (var folder in Directory.EnumerateDirectories(_root))
        {
            var name = Path.GetFileName(folder);
            if (name == MetadataFolder)
            {
                continue;
            }

            if (NameRules.BucketNameProblem(name) is { } problem)
            {
                _logger.LogWarning("Ignoring folder {Folder} in the storage directory: {Problem}", folder, problem);
                continue;
            }

            var bucket = LoadBucket(name, folder);
            buckets.Add(bucket);
            objects.AddRange(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Select(file => LoadObject(bucket.Name, folder, file))
                .OfType<ObjectEntry>());
        }

        return new StoreContents(buckets, objects);
    }

    public void SaveBucket(BucketEntry bucket)
    {
        Directory.CreateDirectory(Path.Combine(_root, bucket.Name));
        ReplaceFile(BucketSidecarPath(bucket.Name), JsonSerializer.SerializeToUtf8Bytes(bucket, SidecarJson));
    }

    public void SaveObject(ObjectEntry entry, ReadOnlyMemory<byte> data)
    {
        var path = DataPath(entry.Bucket, entry.Name);
        EnsureNoFolderConflict(entry, path);
        ReplaceFile(path, data.Span);
        ReplaceFile(ObjectSidecarPath(entry.Bucket, entry.Name), JsonSerializer.SerializeToUtf8Bytes(entry, SidecarJson));
    }

    public ReadOnlyMemory<byte> ReadObject(ObjectEntry entry) => File.ReadAllBytes(DataPath(entry.Bucket, entry.Name));

    public void DeleteObject(ObjectEntry entry)
    {
        var path = DataPath(entry.Bucket, entry.Name);
        var sidecar = ObjectSidecarPath(entry.Bucket, entry.Name);
        File.Delete(path);
        File.Delete(sidecar);
        DeleteEmptyFolders(Path.GetDirectoryName(path)!, Path.Combine(_root, entry.Bucket));
        DeleteEmptyFolders(Path.GetDirectoryName(sidecar)!, Path.Combine(_objectSidecars, entry.Bucket));
    }

    private BucketEntry LoadBucket(string name, string folder)
    {
        var sidecar = BucketSidecarPath(name);
        if (File.Exists(sidecar) && TryReadJson<BucketEntry>(sidecar) is { } saved && saved.Name == name)
        {
            return saved;
        }

        var bucket = new BucketEntry(name, "local", new DateTimeOffset(Directory.GetCreationTimeUtc(folder)));
        SaveBucket(bucket);
        return bucket;
    }

    /// <summary>
    /// Trusts the sidecar only while it still describes the file; a file a person added or edited gets
    /// fresh metadata (a content type from its extension) and a new generation.
    /// </summary>
    private ObjectEntry? LoadObject(string bucket, string bucketFolder, string file)
    {
        var name = Path.GetRelativePath(bucketFolder, file).Replace(Path.DirectorySeparatorChar, '/');
        if (NameRules.ObjectNameProblem(name) is { } problem)
        {
            _logger.LogWarning("Ignoring file {File} in the storage directory: {Problem}", file, problem);
            return null;
        }

        var data = File.ReadAllBytes(file);
        var md5 = Checksums.Md5Base64(data);
        var sidecarPath = ObjectSidecarPath(bucket, name);
        var saved = File.Exists(sidecarPath) ? TryReadJson<ObjectEntry>(sidecarPath) : null;
        if (saved is not null && saved.Bucket == bucket && saved.Name == name && saved.Size == data.Length
            && saved.Md5Hash == md5)
        {
            return saved;
        }

        var modified = new DateTimeOffset(File.GetLastWriteTimeUtc(file));
        var entry = new ObjectEntry(
            bucket,
            name,
            Generation: Math.Max(1, (modified - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond),
            Metageneration: 1,
            ContentType: saved?.ContentType ?? GuessContentType(name),
            Metadata: saved?.Metadata ?? new Dictionary<string, string>(),
            Size: data.Length,
            Md5Hash: md5,
            Crc32c: Checksums.Crc32cBase64(data),
            TimeCreated: modified,
            Updated: _time.GetUtcNow());
        ReplaceFile(sidecarPath, JsonSerializer.SerializeToUtf8Bytes(entry, SidecarJson));
        return entry;
    }

    private T? TryReadJson<T>(string path)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllBytes(path), SidecarJson);
        }
        catch (JsonException e)
        {
            _logger.LogWarning(e, "Unreadable metadata file {Path}; rebuilding it from the data", path);
            return null;
        }
    }

    private static string GuessContentType(string name) =>
        ContentTypes.TryGetContentType(name, out var type) ? type : ObjectDraft.DefaultContentType;

    private string BucketSidecarPath(string bucket) => Path.Combine(_bucketSidecars, bucket + SidecarSuffix);

    private string ObjectSidecarPath(string bucket, string name) =>
        Path.Combine(_objectSidecars, bucket, name + SidecarSuffix);

    /// <summary>The file for an object; names that cannot be a relative file path are refused.</summary>
    private string DataPath(string bucket, string name)
    {
        var why = name.EndsWith('/') ? "it ends with '/'"
            : name.Contains('\0', StringComparison.Ordinal) ? "it contains a NUL character"
            : name.Split('/').FirstOrDefault(segment =>
                segment is "" or "." or ".." || Encoding.UTF8.GetByteCount(segment) > MaxFileNameBytes) is { } bad
                ? $"the path segment '{bad}' is empty, '.', '..' or longer than {MaxFileNameBytes} bytes"
                : null;
        return why is null ? Path.Combine(_root, bucket, name) : throw NotStorable(name, why);
    }

    /// <summary>A flat namespace allows both "a" and "a/b"; a file system does not.</summary>
    private void EnsureNoFolderConflict(ObjectEntry entry, string path)
    {
        if (Directory.Exists(path))
        {
            throw NotStorable(entry.Name, $"objects named '{entry.Name}/...' already make it a folder");
        }

        var bucketFolder = Path.Combine(_root, entry.Bucket);
        for (var parent = Path.GetDirectoryName(path); parent is not null && parent != bucketFolder;
             parent = Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent))
            {
                var prefix = Path.GetRelativePath(bucketFolder, parent).Replace(Path.DirectorySeparatorChar, '/');
                throw NotStorable(entry.Name, $"the object '{prefix}' already exists and cannot also be a folder");
            }
        }
    }

    private static StorageException NotStorable(string name, string why) =>
        StorageException.Invalid(
            $"Object name '{name}' cannot be stored in the emulator's storage directory (objects are files there, "
            + $"with '/' as folders): {why}.");

    private void ReplaceFile(string path, ReadOnlySpan<byte> content)
    {
        var staged = Path.Combine(_staging, Guid.NewGuid().ToString("N"));
        using (var stream = new FileStream(staged, FileMode.CreateNew, FileAccess.Write))
        {
            stream.Write(content);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Move(staged, path, overwrite: true);
    }

    private static void DeleteEmptyFolders(string folder, string stopAt)
    {
        for (var current = folder; current != stopAt && current.StartsWith(stopAt, StringComparison.Ordinal);
             current = Path.GetDirectoryName(current)!)
        {
            if (Directory.EnumerateFileSystemEntries(current).Any())
            {
                return;
            }

            Directory.Delete(current);
        }
    }
}
