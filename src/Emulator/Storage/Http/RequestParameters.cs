using System.Globalization;
using PullWorker.Emulator.Storage.Errors;
using PullWorker.Emulator.Storage.Store;

namespace PullWorker.Emulator.Storage.Http;

/// <summary>Query parameters and bodies as the endpoints need them, with Google's 400s for bad values.</summary>
internal static class RequestParameters
{
    /// <summary><c>http://host:port</c> as the client addressed us; links in resources point back here.</summary>
    public static string BaseUrl(this HttpRequest request) => $"{request.Scheme}://{request.Host}";

    public static string? OptionalString(this HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var values) && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    public static long? OptionalLong(this HttpRequest request, string name) =>
        request.OptionalString(name) is not { } text ? null
        : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value
        : throw StorageException.Invalid($"Invalid value for {name}: '{text}' is not an integer.");

    public static Preconditions ReadPreconditions(this HttpRequest request) => new(
        request.OptionalLong("ifGenerationMatch"),
        request.OptionalLong("ifGenerationNotMatch"),
        request.OptionalLong("ifMetagenerationMatch"),
        request.OptionalLong("ifMetagenerationNotMatch"));

    /// <summary>Buffers the whole body: objects are kept as one block of bytes anyway.</summary>
    public static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(this HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = request.ContentLength is { } length and <= int.MaxValue
            ? new MemoryStream((int)length)
            : new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);

        // Disposing a MemoryStream leaves its array intact; the object keeps it without another copy.
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
