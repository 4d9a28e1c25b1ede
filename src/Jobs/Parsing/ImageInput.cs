namespace PullWorker.Jobs.Parsing;

/// <summary>
/// An encoded image: either a <c>gs://</c> <see cref="Uri"/> still to be fetched, or the encoded bytes themselves
/// (JSON <c>b64</c>, or the whole message in the raw form). Nothing about the bytes has been checked yet.
/// </summary>
public sealed class ImageInput : JobInput
{
    private ImageInput(string? uri, ReadOnlyMemory<byte> encoded)
    {
        Uri = uri;
        Encoded = encoded;
    }

    /// <summary>The image's location as the job wrote it, or null when the bytes came with the job.</summary>
    public string? Uri { get; }

    /// <summary>The encoded image (JPEG, PNG or WebP, supposedly) when <see cref="Uri"/> is null.</summary>
    public ReadOnlyMemory<byte> Encoded { get; }

    public static ImageInput FromUri(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return new ImageInput(uri, default);
    }

    public static ImageInput FromBytes(ReadOnlyMemory<byte> encoded) => new(null, encoded);
}
