using Grpc.Core;

namespace PullWorker.Emulator.Tests.PubSub;

/// <summary>A fresh emulator per test, so hooks, pauses and the fake clock never leak between tests.</summary>
public abstract class PubSubTestBase
{
    private PubSubTestServer? _server;

    private protected PubSubTestServer Server => _server ?? throw new InvalidOperationException("SetUp has not run.");

    [SetUp]
    public async Task StartServerAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _server = await PubSubTestServer.StartAsync(timeout.Token);
    }

    [TearDown]
    public async Task StopServerAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>The status code <paramref name="call"/> fails with; fails the test if it succeeds.</summary>
    private protected static async Task<StatusCode> StatusOfAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (RpcException failed)
        {
            return failed.StatusCode;
        }

        Assert.Fail("The call succeeded but an error status was expected.");
        return StatusCode.OK;
    }
}
