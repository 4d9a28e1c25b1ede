using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace PullWorker.Emulator.Tests.Storage;

/// <summary>A thin JSON API caller for tests: builds the exact requests Google's clients send.</summary>
internal sealed class StorageClient(HttpClient http) : IDisposable
{
    public HttpClient Http { get; } = http;

    public static StorageClient For(string emulatorHost) =>
        new(new HttpClient { BaseAddress = new Uri(emulatorHost), Timeout = TimeSpan.FromSeconds(30) });

    public static string Escape(string name) => Uri.EscapeDataString(name);

    public async Task CreateBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        using var response = await Http.PostAsync(
            "/storage/v1/b?project=test", JsonBody(new JsonObject { ["name"] = bucket }), cancellationToken);
        await EnsureStatusAsync(response, HttpStatusCode.OK, cancellationToken);
    }

    public Task<HttpResponseMessage> UploadMediaAsync(
        string bucket, string name, byte[] data, CancellationToken cancellationToken,
        string contentType = "application/octet-stream", string query = "")
    {
        var content = new ByteArrayContent(data);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return Http.PostAsync(
            $"/upload/storage/v1/b/{bucket}/o?uploadType=media&name={Escape(name)}{query}", content, cancellationToken);
    }

    /// <summary>Uploads and returns the object resource, failing the test on anything but 200.</summary>
    public async Task<JsonObject> PutObjectAsync(
        string bucket, string name, byte[] data, CancellationToken cancellationToken,
        string contentType = "application/octet-stream")
    {
        using var response = await UploadMediaAsync(bucket, name, data, cancellationToken, contentType);
        return await ReadObjectAsync(response, HttpStatusCode.OK, cancellationToken);
    }

    public Task<HttpResponseMessage> UploadMultipartAsync(
        string bucket, JsonObject metadata, byte[] data, string mediaType, CancellationToken cancellationToken, string query = "")
    {
        var content = new MultipartContent("related");
        content.Add(new StringContent(metadata.ToJsonString(), Encoding.UTF8, "application/json"));
        var media = new ByteArrayContent(data);
        media.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
        content.Add(media);
        return Http.PostAsync($"/upload/storage/v1/b/{bucket}/o?uploadType=multipart{query}", content, cancellationToken);
    }

    public async Task<Uri> StartResumableAsync(
        string bucket, string name, CancellationToken cancellationToken, string query = "", JsonObject? metadata = null)
    {
        using var response = await Http.PostAsync(
            $"/upload/storage/v1/b/{bucket}/o?uploadType=resumable&name={Escape(name)}{query}",
            JsonBody(metadata ?? []), cancellationToken);
        await EnsureStatusAsync(response, HttpStatusCode.OK, cancellationToken);
        return response.Headers.Location ?? throw new AssertionException("resumable start returned no Location");
    }

    public Task<HttpResponseMessage> PutChunkAsync(
        Uri session, string contentRange, ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, session)
        {
            Content = new ByteArrayContent(chunk.ToArray()),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Range", contentRange);
        return Http.SendAsync(request, cancellationToken);
    }

    public Task<HttpResponseMessage> GetObjectAsync(string bucket, string name, CancellationToken cancellationToken, string query = "") =>
        Http.GetAsync($"/storage/v1/b/{bucket}/o/{Escape(name)}{(query.Length == 0 ? "" : "?" + query)}", cancellationToken);

    public async Task<byte[]> DownloadAsync(string bucket, string name, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync($"/storage/v1/b/{bucket}/o/{Escape(name)}?alt=media", cancellationToken);
        await EnsureStatusAsync(response, HttpStatusCode.OK, cancellationToken);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    public async Task<JsonObject> ListAsync(string bucket, string query, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync($"/storage/v1/b/{bucket}/o?{query}", cancellationToken);
        return await ReadObjectAsync(response, HttpStatusCode.OK, cancellationToken);
    }

    public static async Task<JsonObject> ReadObjectAsync(
        HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        await EnsureStatusAsync(response, expected, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return JsonNode.Parse(text)?.AsObject() ?? throw new AssertionException($"not a JSON object: {text}");
    }

    /// <summary>Checks Google's error shape and returns the single reason it gives.</summary>
    public static async Task<string> ReadErrorReasonAsync(
        HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        var body = await ReadObjectAsync(response, expected, cancellationToken);
        var error = body["error"]!.AsObject();
        var item = error["errors"]!.AsArray().Single()!.AsObject();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(error["code"]!.GetValue<int>(), Is.EqualTo((int)expected));
            Assert.That(error["message"]!.GetValue<string>(), Is.Not.Empty);
            Assert.That(item["domain"]!.GetValue<string>(), Is.EqualTo("global"));
            Assert.That(item["message"]!.GetValue<string>(), Is.EqualTo(error["message"]!.GetValue<string>()));
        }

        return item["reason"]!.GetValue<string>();
    }

    public static async Task EnsureStatusAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            Assert.Fail($"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        }
    }

    public static StringContent JsonBody(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    public static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static string Text(JsonObject resource, string property) =>
        resource[property]?.GetValue<string>() ?? throw new AssertionException($"no '{property}' in {resource}");

    public void Dispose() => Http.Dispose();
}
