using System.Globalization;
using System.Security.Cryptography;
using Google.Cloud.Storage.V1;
using Microsoft.Extensions.Options;
using PullWorker.Jobs;
using PullWorker.Jobs.Results;
using PullWorker.Worker.Storage;

namespace PullWorker.Worker.ResultStorage;

/// <summary>
/// The batch layout (<c>Worker:ResultLayout=batch</c>): results that complete together (see
/// <see cref="ResultGroups"/>) become one JSONL object <c>{results}batches/{name}.jsonl</c>, one line per job, each
/// line exactly the document <see cref="ObjectResultWriter"/> would write. One Class A operation per group instead of per
/// job. Each object is created like a single result (<see cref="MultipartCreate"/>: <c>ifGenerationMatch=0</c>, one
/// request, bounded retries and uploads in flight); its name is unique to this process (UTC time, a random writer
/// id, a sequence number), so a 412 can only mean that an earlier attempt of this very write landed. A failed write fails every caller of the group: they all nack, and their jobs come
/// back in a later object.
/// </summary>
public sealed partial class BatchResultWriter : IResultWriter
{
    public const string ContentType = "application/x-ndjson";
    public const string LinesMetadataKey = "lines";

    /// <summary>
    /// How long a group stays open after its first line. The results of one device batch are handed out within
    /// microseconds of each other; a few milliseconds gathers them without holding acks back noticeably.
    /// </summary>
    public static readonly TimeSpan DefaultLinger = TimeSpan.FromMilliseconds(5);

    private readonly MultipartCreate _upload;
    private readonly ResultGroups _groups;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _writerId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private readonly CancellationTokenSource _stopped = new();
    private long _sequence;

    /// <param name="results"><c>Worker:Results</c>; a prefix without a trailing <c>/</c> gets one.</param>
    /// <param name="maxLines"><c>Batching:MaxBatchSize</c>: a full device batch is one object.</param>
    public BatchResultWriter(
        StorageClient client, GcsUri results, IOptions<StorageOptions> options, int maxLines, TimeSpan linger, TimeProvider time,
        ILogger<BatchResultWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(options);
        _upload = new MultipartCreate(client, options.Value, time);
        _time = time;
        _logger = logger;
        Prefix = ResultObjects.AsFolder(results);
        _groups = new ResultGroups(maxLines, linger, time, WriteGroupAsync);
    }

    public GcsUri Prefix { get; }

    /// <summary>Waits until the object holding <paramref name="result"/>'s line exists.</summary>
    public async Task<ResultWriteOutcome> WriteAsync(JobResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        await _groups.AddAsync(result.ToUtf8Json(), cancellationToken);
        return ResultWriteOutcome.Written;
    }

    /// <summary>A name no other write (of this or any other worker) uses; name order follows time.</summary>
    private GcsUri NextObject()
    {
        var sequence = Interlocked.Increment(ref _sequence);
        var stamp = _time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss.fff'Z'", CultureInfo.InvariantCulture);
        return ResultObjects.ForBatch(Prefix, $"{stamp}-{_writerId}-{sequence:D8}");
    }

    private async Task WriteGroupAsync(ResultGroup group)
    {
        var destination = NextObject();
        var metadata = new Dictionary<string, string> { [LinesMetadataKey] = group.Lines.ToString(CultureInfo.InvariantCulture) };
        // False (412) can only be an earlier attempt of this write that landed: the name is ours alone.
        await _upload.CreateAsync(destination, group.Content, ContentType, metadata, _stopped.Token);
        LogWritten(destination, group.Lines);
    }

    public void Dispose()
    {
        _groups.Dispose();
        _stopped.Cancel();
        _stopped.Dispose();
        _upload.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Wrote {Destination} with {Lines} results")]
    private partial void LogWritten(GcsUri destination, int lines);
}
