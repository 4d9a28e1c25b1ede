using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PullWorker.Worker.Tests.Faults;

/// <summary>
/// The GCE metadata server's <c>instance/preempted</c>, served by the test on 127.0.0.1:0 for a worker started with
/// <c>GCE_METADATA_HOST</c>. A <c>wait_for_change=true</c> request is held until <see cref="Preempt"/>, then answered
/// <c>TRUE</c>, as the real server answers when a Spot VM is about to be reclaimed. Other paths answer 404.
/// </summary>
internal sealed class MetadataServer : IAsyncDisposable
{
    private const string PreemptedPath = "/computeMetadata/v1/instance/preempted";

    private readonly WebApplication _app;
    private readonly TaskCompletionSource _preempted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _watched = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MetadataServer(WebApplication app)
    {
        _app = app;
        app.MapGet(PreemptedPath, (Func<HttpContext, Task<IResult>>)AnswerPreemptedAsync);
    }

    /// <summary><c>127.0.0.1:port</c>, the value for <c>GCE_METADATA_HOST</c>.</summary>
    public string Host { get; private set; } = string.Empty;

    public static async Task<MetadataServer> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        var server = new MetadataServer(builder.Build());
        await server._app.StartAsync(cancellationToken);
        var address = new Uri(server._app.Urls.Single());
        server.Host = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{address.Port}");
        return server;
    }

    /// <summary>Completes once a worker is holding a <c>wait_for_change</c> request: it is watching.</summary>
    public Task WaitUntilWatchedAsync(CancellationToken cancellationToken) => _watched.Task.WaitAsync(cancellationToken);

    /// <summary>Announces the preemption: every held and later request is answered <c>TRUE</c>.</summary>
    public void Preempt() => _preempted.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }

    private async Task<IResult> AnswerPreemptedAsync(HttpContext context)
    {
        // The real server refuses requests without this header, so a worker that forgets it fails here too.
        if (context.Request.Headers["Metadata-Flavor"] != "Google")
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        if (context.Request.Query["wait_for_change"] == "true")
        {
            _watched.TrySetResult();
            try
            {
                await _preempted.Task.WaitAsync(context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return Results.Empty;
            }
        }

        return Results.Text(_preempted.Task.IsCompleted ? "TRUE" : "FALSE", "application/text");
    }
}
