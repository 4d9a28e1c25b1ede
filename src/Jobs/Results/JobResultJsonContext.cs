using System.Text.Json.Serialization;

namespace PullWorker.Jobs.Results;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(JobResult))]
internal sealed partial class JobResultJsonContext : JsonSerializerContext;
