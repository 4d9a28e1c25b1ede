using System.Text.Json.Serialization;

namespace PullWorker.Jobs.Results;

[JsonConverter(typeof(JsonStringEnumConverter<JobStatus>))]
public enum JobStatus
{
    [JsonStringEnumMemberName("ok")]
    Ok,

    [JsonStringEnumMemberName("error")]
    Error,
}
