using System.Globalization;
using PullWorker.Emulator.Storage.Store;

namespace PullWorker.Emulator.Storage.Http;

/// <summary>
/// An object resource as the JSON API returns it. Numbers that can exceed 2^53 (generation, size) are
/// strings, as Google sends them.
/// </summary>
internal sealed record ObjectResource(
    string Kind,
    string Id,
    string SelfLink,
    string MediaLink,
    string Name,
    string Bucket,
    string Generation,
    string Metageneration,
    string ContentType,
    string StorageClass,
    string Size,
    string Md5Hash,
    string Crc32c,
    string Etag,
    string TimeCreated,
    string Updated,
    string TimeStorageClassUpdated,
    IReadOnlyDictionary<string, string>? Metadata)
{
    public static ObjectResource From(ObjectEntry entry, string baseUrl)
    {
        var bucket = Uri.EscapeDataString(entry.Bucket);
        var name = Uri.EscapeDataString(entry.Name);
        var generation = entry.Generation.ToString(CultureInfo.InvariantCulture);
        return new ObjectResource(
            "storage#object",
            $"{entry.Bucket}/{entry.Name}/{generation}",
            $"{baseUrl}/storage/v1/b/{bucket}/o/{name}",
            $"{baseUrl}/download/storage/v1/b/{bucket}/o/{name}?generation={generation}&alt=media",
            entry.Name,
            entry.Bucket,
            generation,
            entry.Metageneration.ToString(CultureInfo.InvariantCulture),
            entry.ContentType,
            "STANDARD",
            entry.Size.ToString(CultureInfo.InvariantCulture),
            entry.Md5Hash,
            entry.Crc32c,
            EtagOf(entry),
            Rfc3339(entry.TimeCreated),
            Rfc3339(entry.Updated),
            Rfc3339(entry.TimeCreated),
            entry.Metadata.Count == 0 ? null : entry.Metadata);
    }

    /// <summary>Google's object etags are a small protobuf of generation (field 1) and metageneration (field 2).</summary>
    public static string EtagOf(ObjectEntry entry)
    {
        var bytes = new List<byte> { 0x08 };
        AppendVarint(bytes, (ulong)entry.Generation);
        bytes.Add(0x10);
        AppendVarint(bytes, (ulong)entry.Metageneration);
        return Convert.ToBase64String(bytes.ToArray());
    }

    public static string Rfc3339(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void AppendVarint(List<byte> bytes, ulong value)
    {
        for (; value >= 0x80; value >>= 7)
        {
            bytes.Add((byte)(value | 0x80));
        }

        bytes.Add((byte)value);
    }
}

/// <summary>A bucket resource; the emulator has one location and storage class.</summary>
internal sealed record BucketResource(
    string Kind,
    string Id,
    string SelfLink,
    string ProjectNumber,
    string Name,
    string TimeCreated,
    string Updated,
    string Metageneration,
    string Location,
    string LocationType,
    string StorageClass,
    string Etag)
{
    public static BucketResource From(BucketEntry bucket, string baseUrl) => new(
        "storage#bucket",
        bucket.Name,
        $"{baseUrl}/storage/v1/b/{Uri.EscapeDataString(bucket.Name)}",
        "0",
        bucket.Name,
        ObjectResource.Rfc3339(bucket.TimeCreated),
        ObjectResource.Rfc3339(bucket.TimeCreated),
        "1",
        "US",
        "multi-region",
        "STANDARD",
        "CAE=");
}

/// <summary>One page of objects.list; Google leaves out empty <c>items</c> and <c>prefixes</c>.</summary>
internal sealed record ObjectListResource(
    string Kind,
    IReadOnlyList<ObjectResource>? Items,
    IReadOnlyList<string>? Prefixes,
    string? NextPageToken)
{
    public static ObjectListResource From(ObjectPage page, string baseUrl) => new(
        "storage#objects",
        page.Items.Count == 0 ? null : page.Items.Select(entry => ObjectResource.From(entry, baseUrl)).ToList(),
        page.Prefixes.Count == 0 ? null : page.Prefixes,
        page.NextPageToken);
}

internal sealed record BucketListResource(string Kind, IReadOnlyList<BucketResource>? Items);

/// <summary>The answer to <c>buckets.testIamPermissions</c>: the permissions granted of those asked.</summary>
internal sealed record TestPermissionsResource(string Kind, IReadOnlyList<string> Permissions);

/// <summary>The part of an object resource a client may send when uploading.</summary>
internal sealed record ObjectMetadataRequest(
    string? Name,
    string? ContentType,
    IReadOnlyDictionary<string, string?>? Metadata,
    string? Md5Hash,
    string? Crc32c)
{
    public IReadOnlyDictionary<string, string> CustomMetadata() =>
        Metadata?.Where(pair => pair.Value is not null).ToDictionary(pair => pair.Key, pair => pair.Value!, StringComparer.Ordinal)
        ?? new Dictionary<string, string>(StringComparer.Ordinal);
}

internal sealed record BucketInsertRequest(string? Name);
