using System.Text.Json;
using Google.Cloud.PubSub.V1;
using Google.Protobuf;
using PullWorker.Jobs;
using PullWorker.Jobs.Parsing;

namespace PullWorker.Tools.Submit;

/// <summary>
/// Turns files into job messages: an image (<c>.png</c>, <c>.jpg</c>, <c>.jpeg</c>, <c>.webp</c>) becomes a raw image
/// message whose <c>job-id</c> is the id prefix plus its file name, a <c>.json</c> file one JSON job, and a
/// <c>.jsonl</c> file one JSON job per non-empty line. Everything is checked before anything is published.
/// </summary>
public static class JobFiles
{
    /// <summary>Pub/Sub's limit on one publish request, less room for the attributes and framing.</summary>
    private const int MaxMessageBytes = 10_000_000 - 1_000;

    private static readonly Dictionary<string, string> ImageContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".webp"] = "image/webp",
    };

    /// <exception cref="ArgumentException">
    /// A file has an unsupported extension, invalid JSON, or is too large (the message names it), or there are no jobs.
    /// </exception>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    public static async Task<IReadOnlyList<PubsubMessage>> ReadAsync(IEnumerable<string> paths, string idPrefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var messages = new List<PubsubMessage>();
        foreach (var path in paths)
        {
            var extension = Path.GetExtension(path);
            if (ImageContentTypes.TryGetValue(extension, out var contentType))
            {
                messages.Add(ImageMessage(path, await File.ReadAllBytesAsync(path, cancellationToken), contentType, idPrefix));
            }
            else if (extension.Equals(".json", StringComparison.OrdinalIgnoreCase))
            {
                messages.Add(JsonMessage(path, await File.ReadAllBytesAsync(path, cancellationToken), line: null));
            }
            else if (extension.Equals(".jsonl", StringComparison.OrdinalIgnoreCase))
            {
                var lines = await File.ReadAllLinesAsync(path, System.Text.Encoding.UTF8, cancellationToken);
                for (var i = 0; i < lines.Length; i++)
                {
                    if (!string.IsNullOrWhiteSpace(lines[i]))
                    {
                        messages.Add(JsonMessage(path, System.Text.Encoding.UTF8.GetBytes(lines[i]), line: i + 1));
                    }
                }
            }
            else
            {
                throw new ArgumentException(
                    $"{path}: unsupported file type '{extension}'; use .png, .jpg, .jpeg or .webp images, .json jobs or .jsonl job lines");
            }
        }

        return messages.Count > 0 ? messages : throw new ArgumentException("the files hold no jobs");
    }

    private static PubsubMessage ImageMessage(string path, byte[] image, string contentType, string idPrefix)
    {
        var id = idPrefix + Path.GetFileName(path);
        if (!JobId.TryParse(id, out _, out var error))
        {
            throw new ArgumentException($"{path}: '{id}' cannot be a job id ({error}); rename the file or change --id-prefix");
        }

        return new PubsubMessage
        {
            Data = ByteString.CopyFrom(CheckSize(path, image)),
            Attributes = { [JobParser.ContentTypeAttribute] = contentType, [JobParser.JobIdAttribute] = id },
        };
    }

    private static PubsubMessage JsonMessage(string path, byte[] json, int? line)
    {
        var where = line is null ? path : $"{path}:{line}";
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"{where}: a job must be a JSON object, got {document.RootElement.ValueKind}");
            }
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{where}: not valid JSON: {e.Message}", e);
        }

        return new PubsubMessage { Data = ByteString.CopyFrom(CheckSize(where, json)) };
    }

    private static byte[] CheckSize(string where, byte[] data) =>
        data.Length <= MaxMessageBytes
            ? data
            : throw new ArgumentException($"{where}: {data.Length:N0} bytes is more than a Pub/Sub message may carry (10 MB)");
}
