using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace PullWorker.Storage.Tests.TestSupport;

/// <summary>A fake Cloud Storage: answers each request with a scripted response and records what it received.</summary>
internal sealed class RecordingHandler(Func<RecordedRequest, HttpResponseMessage> respond) : HttpMessageHandler
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public static HttpResponseMessage Status(HttpStatusCode status, string? googleMessage = null) => new(status)
    {
        Content = new StringContent(
            $$$"""{"error":{"code":{{{(int)status}}},"message":"{{{googleMessage ?? status.ToString()}}}"}}""",
            Encoding.UTF8,
            "application/json"),
    };

    public static HttpResponseMessage Json(string json) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(json, Encoding.UTF8, "application/json"),
    };

    public static HttpResponseMessage ObjectResource(string bucket, string name, long size = 0, long generation = 1) =>
        Json($$"""{"kind":"storage#object","bucket":"{{bucket}}","name":"{{name}}","generation":"{{generation}}","size":"{{size}}","contentType":"application/json"}""");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var recorded = new RecordedRequest(request, body);
        _requests.Enqueue(recorded);
        return respond(recorded);
    }
}

internal sealed record RecordedRequest(HttpRequestMessage Message, byte[] Body)
{
    public HttpMethod Method => Message.Method;

    public Uri Uri => Message.RequestUri!;

    public string? Header(string name) =>
        Message.Headers.TryGetValues(name, out var values) || (Message.Content?.Headers.TryGetValues(name, out values) ?? false)
            ? string.Join(",", values!)
            : null;
}
