namespace PullWorker.Emulator.Storage.Http;

/// <summary>Which of the three JSON API surfaces a request is for.</summary>
internal enum StorageApi
{
    /// <summary><c>/storage/v1/...</c>, or the same paths without the prefix (how the Node client calls an emulator).</summary>
    Json,

    /// <summary><c>/upload/storage/v1/...</c>: media, multipart and resumable uploads.</summary>
    Upload,

    /// <summary><c>/download/storage/v1/...</c>: the mediaLink of an object.</summary>
    Download,
}

/// <summary>What the path names: all buckets, one bucket, its objects, or one object.</summary>
internal enum StorageTarget
{
    Buckets,
    Bucket,
    Objects,
    Object,

    /// <summary><c>b/{bucket}/iam/testPermissions</c>.</summary>
    BucketPermissions,
}

/// <summary>
/// A request path taken apart. Object names are read from the raw request target and percent-decoded
/// exactly once, so names containing '/' (sent as %2F), '%' or '+' come through intact.
/// </summary>
internal sealed record StorageRoute(StorageApi Api, StorageTarget Target, string? Bucket = null, string? Object = null)
{
    private static readonly (string Prefix, StorageApi Api)[] Surfaces =
    [
        ("/upload/storage/v1/", StorageApi.Upload),
        ("/download/storage/v1/", StorageApi.Download),
        ("/storage/v1/", StorageApi.Json),
        ("/", StorageApi.Json),
    ];

    /// <summary>Parses a raw request target (path and query); null when it is no JSON API path.</summary>
    public static StorageRoute? Parse(string rawTarget)
    {
        var path = rawTarget.Split('?', 2)[0];
        if (!path.StartsWith('/') && Uri.TryCreate(path, UriKind.Absolute, out var absolute))
        {
            path = absolute.AbsolutePath;
        }

        foreach (var (prefix, api) in Surfaces)
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal))
            {
                return ParseResource(api, path[prefix.Length..]);
            }
        }

        return null;
    }

    private static StorageRoute? ParseResource(StorageApi api, string path)
    {
        if (path == "b")
        {
            return new StorageRoute(api, StorageTarget.Buckets);
        }

        if (!path.StartsWith("b/", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = path[2..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = Uri.UnescapeDataString(slash < 0 ? rest : rest[..slash]);
        if (bucket.Length == 0)
        {
            return null;
        }

        if (slash < 0)
        {
            return new StorageRoute(api, StorageTarget.Bucket, bucket);
        }

        var objects = rest[(slash + 1)..];
        return objects switch
        {
            "o" => new StorageRoute(api, StorageTarget.Objects, bucket),
            "iam/testPermissions" => new StorageRoute(api, StorageTarget.BucketPermissions, bucket),
            _ when objects.StartsWith("o/", StringComparison.Ordinal) && objects.Length > 2 =>
                new StorageRoute(api, StorageTarget.Object, bucket, Uri.UnescapeDataString(objects[2..])),
            _ => null,
        };
    }
}
