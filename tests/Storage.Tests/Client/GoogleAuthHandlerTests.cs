using System.Net;
using Google.Apis.Auth.OAuth2;
using PullWorker.Storage.Http;
using PullWorker.Storage.Tests.TestSupport;

namespace PullWorker.Storage.Tests.Client;

public sealed class GoogleAuthHandlerTests
{
    [Test]
    [CancelAfter(10_000)]
    public async Task Send_EachAttempt_AddsFreshBearerToken(CancellationToken cancellationToken)
    {
        var inner = new RecordingHandler(_ => new HttpResponseMessage(HttpStatusCode.OK));
        using var invoker = new HttpMessageInvoker(new GoogleAuthHandler(new CountingTokens()) { InnerHandler = inner });

        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "https://storage.googleapis.com/storage/v1/b/x/o");
            using var response = await invoker.SendAsync(request, cancellationToken);
        }

        Assert.That(inner.Requests.Select(r => r.Header("Authorization")), Is.EqualTo(new[] { "Bearer token-1", "Bearer token-2" }));
    }

    [Test]
    public void AddGcsStorage_WithoutEmulator_TargetsGoogle()
    {
        using var services = StorageServices.Build(emulatorHost: null);

        Assert.Multiple(() =>
        {
            Assert.That(services.Client().Endpoint, Is.EqualTo(new Uri("https://storage.googleapis.com/")));
            Assert.That(services.Client().UsesEmulator, Is.False);
        });
    }

    private sealed class CountingTokens : ITokenAccess
    {
        private int _issued;

        public Task<string> GetAccessTokenForRequestAsync(string? authUri = null, CancellationToken cancellationToken = default) =>
            Task.FromResult($"token-{Interlocked.Increment(ref _issued)}");
    }
}
