using System.Text.Json.Serialization;

namespace PullWorker.Jobs;

/// <summary>
/// Why a job could not be processed (docs/jobs-and-results.md, "A result"): because of its own content (every code but
/// <see cref="Unavailable"/>; such a job gets an error result and is acknowledged), or, on its last delivery
/// attempt, because something it needs stayed unavailable.
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

    /// <summary>
    /// Not the job's fault (storage or device unavailable) and still failing on the last delivery attempt before
    /// dead-lettering; the job itself may be fine and can be published again.
    /// </summary>
    [JsonStringEnumMemberName("unavailable")]
    Unavailable,
}
