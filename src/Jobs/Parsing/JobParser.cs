using System.Globalization;
using System.Text.Json;

namespace PullWorker.Jobs.Parsing;

/// <summary>
/// Turns one Pub/Sub message into a <see cref="ParsedJob"/> or the <see cref="JobError"/> to write as its result
/// (docs/jobs-and-results.md, "A job"). Bad input never throws: every fault is a result with the contract's code and a message
/// saying exactly what was wrong. Stateless and thread-safe; one instance serves every message handler.
/// </summary>
public sealed class JobParser
{
    /// <summary>The message attribute that selects the form.</summary>
    public const string ContentTypeAttribute = "content-type";

    /// <summary>The message attribute that may set a raw image job's id.</summary>
    public const string JobIdAttribute = "job-id";

    private const string SupportedContentTypes =
        "application/json (or no content-type) for JSON jobs, image/jpeg, image/png or image/webp for raw images";

    private readonly JobParserOptions _options;

    /// <exception cref="ArgumentOutOfRangeException">A limit is not positive.</exception>
    public JobParser(JobParserOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxMessageBytes, $"{JobParserOptions.SectionName}:{nameof(options.MaxMessageBytes)}");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxDepth, $"{JobParserOptions.SectionName}:{nameof(options.MaxDepth)}");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxInputs, $"{JobParserOptions.SectionName}:{nameof(options.MaxInputs)}");
        _options = options;
    }

    /// <param name="messageId">The Pub/Sub message ID: the job's id when it has none, and the name of error results otherwise.</param>
    /// <param name="data">The message data. A raw image job's <see cref="ImageInput.Encoded"/> refers to it, not to a copy.</param>
    /// <param name="attributes">The message attributes (<c>content-type</c>, <c>job-id</c>); null when there are none.</param>
    /// <exception cref="ArgumentException"><paramref name="messageId"/> cannot name a result (Pub/Sub's are digits).</exception>
    public JobParseResult Parse(string messageId, ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string>? attributes)
    {
        if (!JobId.TryParse(messageId, out var messageJobId, out var problem))
        {
            throw new ArgumentException($"message ID '{messageId}' cannot name a result: {problem}", nameof(messageId));
        }

        string? contentType = null;
        string? jobIdAttribute = null;
        attributes?.TryGetValue(ContentTypeAttribute, out contentType);
        attributes?.TryGetValue(JobIdAttribute, out jobIdAttribute);
        return MediaTypeOf(contentType) switch
        {
            null or "application/json" => ParseJson(messageJobId, data.Span),
            "image/jpeg" or "image/png" or "image/webp" => ParseRawImage(messageJobId, data, jobIdAttribute),
            _ => JobParseResult.Failed(
                messageJobId,
                new JobError(JobErrorCode.InvalidJson, $"content-type '{JobText.Echo(contentType!)}' is not supported; use {SupportedContentTypes}")),
        };
    }

    // "Image/PNG; foo=bar" -> "image/png"; absent or blank -> null.
    private static string? MediaTypeOf(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var mediaType = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
        return mediaType.ToLowerInvariant();
    }

    private JobParseResult ParseRawImage(JobId messageJobId, ReadOnlyMemory<byte> data, string? jobIdAttribute)
    {
        var id = messageJobId;
        if (jobIdAttribute is not null && !JobId.TryParse(jobIdAttribute, out id, out var problem))
        {
            return JobParseResult.Failed(messageJobId, new JobError(JobErrorCode.InvalidId, $"attribute '{JobIdAttribute}': {problem}"));
        }

        return data.Length > _options.MaxMessageBytes
            ? JobParseResult.Failed(id, MessageTooLarge(data.Length))
            : JobParseResult.Parsed(ParsedJob.FromRawImage(id, ImageInput.FromBytes(data)));
    }

    private JobParseResult ParseJson(JobId messageJobId, ReadOnlySpan<byte> json)
    {
        // Refused before reading a byte: the limit is what keeps a hostile message cheap.
        if (json.Length > _options.MaxMessageBytes)
        {
            return JobParseResult.Failed(messageJobId, MessageTooLarge(json.Length));
        }

        try
        {
            var (id, inputs) = JsonJobReader.Read(json, _options);
            return JobParseResult.Parsed(ParsedJob.FromInputs(id ?? messageJobId, inputs));
        }
        catch (JobContentException e)
        {
            return e.Error.Code == JobErrorCode.InvalidId
                ? JobParseResult.Failed(messageJobId, e.Error)
                : Failed(messageJobId, json, e.Error);
        }
        catch (JsonException e)
        {
            return Failed(messageJobId, json, new JobError(JobErrorCode.InvalidJson, $"invalid JSON: {e.Message}"));
        }
    }

    // The result goes under the job's own id when it has a valid one, where its author will look. An invalid id
    // outranks the other fault, because it decides where the result can go at all.
    private JobParseResult Failed(JobId messageJobId, ReadOnlySpan<byte> json, JobError error)
    {
        if (!JsonJobReader.TryFindId(json, _options, out var kind, out var idText))
        {
            return JobParseResult.Failed(messageJobId, error);
        }

        if (kind != JsonTokenType.String)
        {
            return JobParseResult.Failed(messageJobId, new JobError(JobErrorCode.InvalidId, JsonJobReader.WrongIdType(kind)));
        }

        return JobId.TryParse(idText, out var id, out var problem)
            ? JobParseResult.Failed(id, error)
            : JobParseResult.Failed(messageJobId, new JobError(JobErrorCode.InvalidId, problem));
    }

    private JobError MessageTooLarge(int length) => new(
        JobErrorCode.TooLarge,
        string.Create(
            CultureInfo.InvariantCulture,
            $"the message is {length} bytes; at most {_options.MaxMessageBytes} are accepted ({JobParserOptions.SectionName}:{nameof(_options.MaxMessageBytes)})"));
}
