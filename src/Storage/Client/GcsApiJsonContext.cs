using System.Text.Json.Serialization;

namespace PullWorker.Storage.Client;

// The JSON API's shapes, reduced to what the client reads and writes. int64 fields arrive as strings.
internal sealed record ObjectResource(
    string? Bucket,
    string? Name,
    long Generation,
    long Size,
    string? ContentType,
    Dictionary<string, string>? Metadata)
{
    public GcsObject ToGcsObject() => new(
        Bucket ?? throw new GcsException("Cloud Storage returned an object without 'bucket'"),
        Name ?? throw new GcsException("Cloud Storage returned an object without 'name'"),
        Generation,
        Size,
        ContentType,
        Metadata ?? []);
}

internal sealed record ObjectInsertMetadata(string Name, string ContentType, IReadOnlyDictionary<string, string>? Metadata);

internal sealed record ObjectList(List<ObjectResource>? Items, string? NextPageToken);

internal sealed record ErrorResponse(ErrorBody? Error);

internal sealed record ErrorBody(int Code, string? Message);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(ObjectResource))]
[JsonSerializable(typeof(ObjectInsertMetadata))]
[JsonSerializable(typeof(ObjectList))]
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class GcsApiJsonContext : JsonSerializerContext;
