using System.IO.Enumeration;
using System.Text.Json;
using Google.Cloud.PubSub.V1;
using Google.Cloud.Storage.V1;
using Google.Protobuf;
using PullWorker.Jobs;

namespace PullWorker.Tools.Submit;

/// <summary>
/// Turns the objects under a <c>gs://bucket/prefix/</c> into image jobs, one per object:
/// <c>{"id": name relative to the prefix, "inputs": {input: {"image": {"uri": "gs://bucket/name"}}}}</c>. The listing
/// is streamed page by page (the client pages), so nothing grows with the number of objects but the ids to skip.
/// </summary>
/// <param name="glob">Only relative names matching it (<c>*</c> and <c>?</c>, e.g. <c>*.jpg</c>); null for all.</param>
/// <param name="skip">Ids to leave out (they already have a result).</param>
public sealed class BucketJobs(StorageClient storage, GcsUri prefix, string inputName, string? glob, IReadOnlySet<string> skip)
{
    /// <summary>Objects that match the glob (ids already done or not valid included): the progress bar's length.</summary>
    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var name in MatchingNamesAsync(cancellationToken))
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// One message per matching object whose relative name is a valid job id and not in the skip set. An object whose
    /// name cannot be a job id goes to <paramref name="rejected"/> (its full name and why) and is not published:
    /// changing the name would break the link between result and object.
    /// </summary>
    /// <param name="skipped">Called once per object left out because its id already has a result.</param>
    public async IAsyncEnumerable<(string JobId, PubsubMessage Message)> MessagesAsync(
        Action<string, string> rejected,
        Action skipped,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        ArgumentNullException.ThrowIfNull(skipped);
        await foreach (var name in MatchingNamesAsync(cancellationToken))
        {
            var relative = name[prefix.ObjectName.Length..];
            if (!JobId.TryParse(relative, out var id, out var error))
            {
                rejected($"gs://{prefix.Bucket}/{name}", error);
            }
            else if (skip.Contains(id.Value))
            {
                skipped();
            }
            else
            {
                yield return (id.Value, Message(id.Value, $"gs://{prefix.Bucket}/{name}"));
            }
        }
    }

    private async IAsyncEnumerable<string> MatchingNamesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var listing = storage.ListObjectsAsync(prefix.Bucket, prefix.ObjectName, new ListObjectsOptions { Fields = "items(name),nextPageToken" });
        await foreach (var item in listing.WithCancellation(cancellationToken))
        {
            var relative = item.Name[prefix.ObjectName.Length..];

            // A name ending in '/' is a folder placeholder some tools create, not an image.
            if (relative.Length == 0 || relative.EndsWith('/'))
            {
                continue;
            }

            if (glob is null || FileSystemName.MatchesSimpleExpression(glob, relative, ignoreCase: false))
            {
                yield return item.Name;
            }
        }
    }

    private PubsubMessage Message(string id, string uri)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteStartObject("inputs");
            json.WriteStartObject(inputName);
            json.WriteStartObject("image");
            json.WriteString("uri", uri);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return new PubsubMessage { Data = ByteString.CopyFrom(buffer.GetBuffer(), 0, (int)buffer.Length) };
    }
}
