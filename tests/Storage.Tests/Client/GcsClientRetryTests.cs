using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using PullWorker.Storage.Client;
using PullWorker.Storage.Tests.TestSupport;

namespace PullWorker.Storage.Tests.Client;

/// <summary>The HTTP pipeline's retry rules, against a scripted fake (no sockets needed).</summary>
public sealed class GcsClientRetryTests
{
    private static readonly GcsUri Object = GcsUri.Parse("gs://results-bucket/out/a.json");

    [Test]
    [CancelAfter(30_000)]
    public async Task GetMetadata_TransientStatusesThenOk_RetriedUntilSuccess(CancellationToken cancellationToken)
    {
        var script = new Queue<HttpStatusCode>([HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests,
            HttpStatusCode.RequestTimeout, HttpStatusCode.InternalServerError]);
        var handler = new RecordingHandler(_ => script.TryDequeue(out var status)
            ? RecordingHandler.Status(status)
            : RecordingHandler.ObjectResource("results-bucket", "out/a.json", size: 12, generation: 7));
        await using var services = StorageServices.Build("http://127.0.0.1:1", handler);

        var metadata = await services.Client().GetMetadataAsync(Object, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(handler.Requests, Has.Count.EqualTo(5));
            Assert.That(metadata.Generation, Is.EqualTo(7));
            Assert.That(metadata.Size, Is.EqualTo(12));
            Assert.That(handler.Requests[0].Uri.AbsolutePath, Is.EqualTo("/storage/v1/b/results-bucket/o/out%2Fa.json"));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task GetMetadata_ConnectionResetThenOk_Retried(CancellationToken cancellationToken)
    {
        var calls = 0;
        var handler = new RecordingHandler(_ => Interlocked.Increment(ref calls) == 1
            ? throw new HttpRequestException("Connection reset by peer", new IOException("reset"))
            : RecordingHandler.ObjectResource("results-bucket", "out/a.json"));
        await using var services = StorageServices.Build("http://127.0.0.1:1", handler);

        var metadata = await services.Client().GetMetadataAsync(Object, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(metadata.Name, Is.EqualTo("out/a.json"));
            Assert.That(handler.Requests, Has.Count.EqualTo(2));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task GetMetadata_RetryBackoff_WaitsOnInjectedTimeProvider(CancellationToken cancellationToken)
    {
        var time = new FakeTimeProvider();
        var firstAttempt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new RecordingHandler(_ =>
        {
            if (firstAttempt.TrySetResult())
            {
                return RecordingHandler.Status(HttpStatusCode.ServiceUnavailable);
            }

            return RecordingHandler.ObjectResource("results-bucket", "out/a.json");
        });
        var hour = new Dictionary<string, string?> { ["Storage:RetryBaseDelay"] = "01:00:00", ["Storage:RetryMaxDelay"] = "01:00:00" };
        await using var services = StorageServices.Build("http://127.0.0.1:1", handler, hour, time: time);

        var metadata = services.Client().GetMetadataAsync(Object, cancellationToken);
        await firstAttempt.Task.WaitAsync(cancellationToken);
        var retriedBeforeTimeMoved = handler.Requests.Count > 1;

        // The backoff timer is created just after the first response; advance until it has fired. Real time alone
        // would take an hour.
        while (!metadata.IsCompleted)
        {
            time.Advance(TimeSpan.FromHours(1));
            await Task.WhenAny(metadata, Task.Delay(10, cancellationToken));
        }

        await metadata;
        Assert.Multiple(() =>
        {
            Assert.That(retriedBeforeTimeMoved, Is.False);
            Assert.That(handler.Requests, Has.Count.EqualTo(2));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Upload_WithoutPrecondition_NotRetried(CancellationToken cancellationToken)
    {
        var handler = new RecordingHandler(_ => RecordingHandler.Status(HttpStatusCode.ServiceUnavailable));
        await using var services = StorageServices.Build("http://127.0.0.1:1", handler);

        var error = Assert.ThrowsAsync<GcsException>(() => services.Client().UploadAsync(
            Object, "{}"u8.ToArray(), new GcsUploadOptions(), cancellationToken));

        Assert.Multiple(() =>
        {
            Assert.That(handler.Requests, Has.Count.EqualTo(1));
            Assert.That(error.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(error.IsTransient, Is.True);
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Upload_WithPrecondition_RetriedAndSendsMultipart(CancellationToken cancellationToken)
    {
        var calls = 0;
        var handler = new RecordingHandler(_ => Interlocked.Increment(ref calls) < 3
            ? RecordingHandler.Status(HttpStatusCode.BadGateway)
            : RecordingHandler.ObjectResource("results-bucket", "out/a.json", size: 2));
        await using var services = StorageServices.Build("http://127.0.0.1:1", handler);
        var options = new GcsUploadOptions
        {
            ContentType = "application/json",
            IfGenerationMatch = 0,
            Metadata = new Dictionary<string, string> { ["message-id"] = "42" },
        };

        await services.Client().UploadAsync(Object, "{}"u8.ToArray(), options, cancellationToken);

        var last = handler.Requests[^1];
        var body = Encoding.UTF8.GetString(last.Body);
        Assert.Multiple(() =>
        {
            Assert.That(handler.Requests, Has.Count.EqualTo(3));
            Assert.That(last.Uri.PathAndQuery, Is.EqualTo("/upload/storage/v1/b/results-bucket/o?uploadType=multipart&ifGenerationMatch=0"));
            Assert.That(last.Header("Content-Type"), Does.StartWith("multipart/related"));
            Assert.That(body, Does.Contain("""{"name":"out/a.json","contentType":"application/json","metadata":{"message-id":"42"}}"""));
            Assert.That(body, Does.Contain("Content-Type: application/json; charset=UTF-8"));
            Assert.That(body, Does.Contain("{}"));
            Assert.That(last.Header("Authorization"), Is.Null, "the emulator gets no credentials");
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task GetMetadata_RetriesExhausted_ThrowsTransient(CancellationToken cancellationToken)
    {
        var handler = new RecordingHandler(_ => RecordingHandler.Status(HttpStatusCode.ServiceUnavailable, "Backend Error"));
        await using var services = StorageServices.Build(
            "http://127.0.0.1:1", handler, new Dictionary<string, string?> { ["Storage:RetryAttempts"] = "3" });

        var error = Assert.ThrowsAsync<GcsException>(() => services.Client().GetMetadataAsync(Object, cancellationToken));

        Assert.Multiple(() =>
        {
            Assert.That(handler.Requests, Has.Count.EqualTo(4));
            Assert.That(error.IsTransient, Is.True);
            Assert.That(error.Message, Is.EqualTo("Cloud Storage read gs://results-bucket/out/a.json failed (HTTP 503: Backend Error)"));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task GetMetadata_NotFound_NotRetriedAndNamesObject(CancellationToken cancellationToken)
    {
        var handler = new RecordingHandler(_ => RecordingHandler.Status(HttpStatusCode.NotFound, "No such object: results-bucket/out/a.json"));
        await using var services = StorageServices.Build("http://127.0.0.1:1", handler);

        var error = Assert.ThrowsAsync<GcsException>(() => services.Client().GetMetadataAsync(Object, cancellationToken));

        Assert.Multiple(() =>
        {
            Assert.That(handler.Requests, Has.Count.EqualTo(1));
            Assert.That(error.IsNotFound, Is.True);
            Assert.That(error.IsTransient, Is.False);
            Assert.That(error.Message, Does.StartWith("gs://results-bucket/out/a.json does not exist"));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Forbidden_EachOperation_NamesBucketAndPermission(CancellationToken cancellationToken)
    {
        var handler = new RecordingHandler(_ => RecordingHandler.Status(HttpStatusCode.Forbidden, "caller does not have access"));
        await using var services = StorageServices.Build("http://127.0.0.1:1", handler);
        var client = services.Client();

        var upload = Assert.ThrowsAsync<GcsException>(() => client.UploadAsync(
            Object, "{}"u8.ToArray(), new GcsUploadOptions { IfGenerationMatch = 0 }, cancellationToken));
        var read = Assert.ThrowsAsync<GcsException>(() => client.DownloadAsync(Object, 100, null, cancellationToken));
        var list = Assert.ThrowsAsync<GcsException>(async () =>
        {
            await foreach (var item in client.ListAsync("results-bucket", "out/", cancellationToken))
            {
                Assert.Fail($"unexpected {item}");
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(upload.Message, Does.StartWith("Cloud Storage denied storage.objects.create on bucket 'results-bucket' (HTTP 403: caller does not have access)"));
            Assert.That(read.Message, Does.StartWith("Cloud Storage denied storage.objects.get on bucket 'results-bucket'"));
            Assert.That(list.Message, Does.StartWith("Cloud Storage denied storage.objects.list on bucket 'results-bucket'"));
            Assert.That(handler.Requests, Has.Count.EqualTo(3), "403 is not retried");
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task List_MultiplePages_FollowsPageTokens(CancellationToken cancellationToken)
    {
        var handler = new RecordingHandler(request => request.Uri.Query.Contains("pageToken=p%2F2", StringComparison.Ordinal)
            ? RecordingHandler.Json("""{"items":[{"bucket":"b-1","name":"x/3","generation":"1","size":"3"}]}""")
            : RecordingHandler.Json("""{"items":[{"bucket":"b-1","name":"x/1","generation":"1","size":"1"},{"bucket":"b-1","name":"x/2","generation":"1","size":"2"}],"nextPageToken":"p/2"}"""));
        await using var services = StorageServices.Build("http://127.0.0.1:1", handler);

        var names = new List<string>();
        await foreach (var item in services.Client().ListAsync("b-1", "x/", cancellationToken))
        {
            names.Add(item.Name);
        }

        Assert.Multiple(() =>
        {
            Assert.That(names, Is.EqualTo(new[] { "x/1", "x/2", "x/3" }));
            Assert.That(handler.Requests[0].Uri.PathAndQuery, Is.EqualTo("/storage/v1/b/b-1/o?prefix=x%2F&maxResults=1000"));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Download_DeclaredLengthOverCap_Refused(CancellationToken cancellationToken)
    {
        var handler = new RecordingHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(new byte[101]) });
        await using var services = StorageServices.Build("http://127.0.0.1:1", handler);

        var error = Assert.ThrowsAsync<ObjectTooLargeException>(() => services.Client().DownloadAsync(Object, 100, 5, cancellationToken));

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Is.EqualTo("gs://results-bucket/out/a.json is 101 bytes; the limit is 100"));
            Assert.That(handler.Requests[0].Uri.Query, Is.EqualTo("?alt=media&generation=5"));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Download_UndeclaredLengthOverCap_StoppedWhileStreaming(CancellationToken cancellationToken)
    {
        var handler = new RecordingHandler(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(new UnknownLengthStream(new byte[300_000])),
        });
        await using var services = StorageServices.Build("http://127.0.0.1:1", handler);

        var error = Assert.ThrowsAsync<ObjectTooLargeException>(() => services.Client().DownloadAsync(Object, 200_000, null, cancellationToken));

        Assert.That(error.Message, Is.EqualTo("gs://results-bucket/out/a.json is larger than the limit of 200000 bytes"));
    }

    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
