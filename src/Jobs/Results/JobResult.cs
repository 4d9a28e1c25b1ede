using System.Text.Json;
using System.Text.Json.Serialization;

namespace PullWorker.Jobs.Results;

/// <summary>
/// The result document of one job (docs/jobs-and-results.md, "A result"), written to <c>{results}{id}.json</c>. A result is either
/// <see cref="JobStatus.Ok"/> with <see cref="Outputs"/> or <see cref="JobStatus.Error"/> with <see cref="Error"/>;
/// the constructor rejects any other combination. Use <see cref="Succeeded"/> and <see cref="Failed"/>.
/// </summary>
public sealed class JobResult
{
    /// <exception cref="ArgumentException">Status, outputs and error do not agree.</exception>
    [JsonConstructor]
    public JobResult(
        JobId id,
        string messageId,
        JobStatus status,
        ModelInfo model,
        DateTimeOffset publishTime,
        DateTimeOffset completedAt,
        int deliveryAttempt,
        IReadOnlyDictionary<string, OutputTensor>? outputs = null,
        JobError? error = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentNullException.ThrowIfNull(model);
        (var consistent, var problem) = status switch
        {
            JobStatus.Ok => (outputs is not null && error is null, "an ok result needs outputs and no error"),
            JobStatus.Error => (error is not null && outputs is null, "an error result needs an error and no outputs"),
            _ => (false, $"unknown status {status}"),
        };
        if (!consistent)
        {
            throw new ArgumentException(problem, nameof(status));
        }

        Id = id;
        MessageId = messageId;
        Status = status;
        Outputs = outputs;
        Error = error;
        Model = model;
        PublishTime = publishTime;
        CompletedAt = completedAt;
        DeliveryAttempt = deliveryAttempt;
    }

    /// <summary>The job id; it also names the result object.</summary>
    public JobId Id { get; }

    /// <summary>The Pub/Sub message id of the job.</summary>
    public string MessageId { get; }

    public JobStatus Status { get; }

    public IReadOnlyDictionary<string, OutputTensor>? Outputs { get; }

    public JobError? Error { get; }

    public ModelInfo Model { get; }

    [JsonConverter(typeof(UtcTimestampJsonConverter))]
    public DateTimeOffset PublishTime { get; }

    [JsonConverter(typeof(UtcTimestampJsonConverter))]
    public DateTimeOffset CompletedAt { get; }

    /// <summary>Which delivery of the message produced this result, as Pub/Sub counts them (1 = first).</summary>
    public int DeliveryAttempt { get; }

    public static JobResult Succeeded(
        JobId id,
        string messageId,
        IReadOnlyDictionary<string, OutputTensor> outputs,
        ModelInfo model,
        DateTimeOffset publishTime,
        DateTimeOffset completedAt,
        int deliveryAttempt) =>
        new(id, messageId, JobStatus.Ok, model, publishTime, completedAt, deliveryAttempt, outputs: outputs);

    public static JobResult Failed(
        JobId id,
        string messageId,
        JobError error,
        ModelInfo model,
        DateTimeOffset publishTime,
        DateTimeOffset completedAt,
        int deliveryAttempt) =>
        new(id, messageId, JobStatus.Error, model, publishTime, completedAt, deliveryAttempt, error: error);

    /// <summary>The document as UTF-8 JSON, ready to upload.</summary>
    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, JobResultJsonContext.Default.JobResult);

    /// <exception cref="JsonException">The text is not a valid result document.</exception>
    public static JobResult Parse(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, JobResultJsonContext.Default.JobResult)
        ?? throw new JsonException("a result document cannot be null");
}
