using System.Diagnostics;
using Google.Cloud.Storage.V1;
using Microsoft.Extensions.Options;
using PullWorker.Jobs;
using PullWorker.Jobs.Results;
using PullWorker.Worker.Storage;

namespace PullWorker.Worker.ResultStorage;

/// <summary>
/// Writes each job's result document to <c>{results}{id}.json</c> exactly once (docs/jobs-and-results.md, "A result"): created with
/// <c>ifGenerationMatch=0</c>, so a redelivered job never replaces a result, and a 412 counts as done. Callers may
/// write concurrently (<see cref="MultipartCreate"/> bounds the uploads in flight and retries transient failures).
/// </summary>
public sealed partial class ObjectResultWriter : IResultWriter
{
    public const string ContentType = "application/json";
    public const string MessageIdMetadataKey = "message-id";
    public const string StatusMetadataKey = "status";

    private readonly MultipartCreate _upload;
    private readonly ILogger _logger;

    /// <param name="results">
    /// <c>Worker:Results</c>, a <c>gs://bucket/prefix/</c> URI. A prefix without a trailing <c>/</c> gets one, so
    /// <c>gs://b/results</c> means the <c>results/</c> folder, as a user would expect.
    /// </param>
    public ObjectResultWriter(
        StorageClient client, GcsUri results, IOptions<StorageOptions> options, TimeProvider time, ILogger<ObjectResultWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(options);
        _upload = new MultipartCreate(client, options.Value, time);
        _logger = logger;
        Prefix = ResultObjects.AsFolder(results);
    }

    /// <summary>The bucket and prefix every result goes under.</summary>
    public GcsUri Prefix { get; }

    /// <summary>Where the result of job <paramref name="id"/> goes.</summary>
    public GcsUri ObjectFor(JobId id)
    {
        var uri = ResultObjects.ForJob(Prefix, id);
        Debug.Assert(uri.ObjectName.StartsWith(Prefix.ObjectName, StringComparison.Ordinal), "a result escaped its prefix");
        return uri;
    }

    /// <summary>Writes <paramref name="result"/> unless a result for its job already exists.</summary>
    /// <exception cref="Google.GoogleApiException">The write failed for good (after retries): do not ack.</exception>
    public async Task<ResultWriteOutcome> WriteAsync(JobResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var destination = ObjectFor(result.Id);
        var content = result.ToUtf8Json();
        var metadata = new Dictionary<string, string>
        {
            [MessageIdMetadataKey] = result.MessageId,
            [StatusMetadataKey] = result.Status == JobStatus.Ok ? "ok" : "error",
        };

        if (!await _upload.CreateAsync(destination, content, ContentType, metadata, cancellationToken))
        {
            LogAlreadyExisted(destination, result.MessageId);
            return ResultWriteOutcome.AlreadyExisted;
        }

        // The URI is formatted only when Debug is on: this runs once per job.
        LogWritten(destination, result.MessageId);
        return ResultWriteOutcome.Written;
    }

    public void Dispose() => _upload.Dispose();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Wrote result {Destination} for message {MessageId}")]
    private partial void LogWritten(GcsUri destination, string messageId);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Result {Destination} already existed; message {MessageId} was completed before and is left as it was")]
    private partial void LogAlreadyExisted(GcsUri destination, string messageId);
}
