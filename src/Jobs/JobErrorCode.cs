using System.Text.Json.Serialization;

namespace PullWorker.Jobs;

/// <summary>
/// Why a job could not be processed because of its own content (contract section 2). Such a job gets an error
/// result and is acknowledged; failures that are not the job's fault never get one of these codes.
/// Serialised as the contract's snake_case names.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobErrorCode>))]
public enum JobErrorCode
{
    [JsonStringEnumMemberName("invalid_json")]
    InvalidJson,

    [JsonStringEnumMemberName("invalid_id")]
    InvalidId,

    [JsonStringEnumMemberName("unknown_input")]
    UnknownInput,

    [JsonStringEnumMemberName("missing_input")]
    MissingInput,

    /// <summary>Wrong dtype, shape or element count.</summary>
    [JsonStringEnumMemberName("invalid_tensor")]
    InvalidTensor,

    [JsonStringEnumMemberName("too_large")]
    TooLarge,

    [JsonStringEnumMemberName("input_not_found")]
    InputNotFound,

    [JsonStringEnumMemberName("input_forbidden")]
    InputForbidden,

    [JsonStringEnumMemberName("decode_failed")]
    DecodeFailed,

    [JsonStringEnumMemberName("inference_failed")]
    InferenceFailed,
}
