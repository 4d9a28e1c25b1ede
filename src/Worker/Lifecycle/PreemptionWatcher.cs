namespace PullWorker.Worker.Lifecycle;

/// <summary>
/// On a Spot VM, waits on the metadata server's <c>instance/preempted</c> and starts the same drain as
/// SIGTERM the moment it turns TRUE: the notice comes up to 30 s before the ACPI shutdown, and every
/// second of it is drain time.
/// </summary>
public sealed partial class PreemptionWatcher(
    HttpClient http,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<PreemptionWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!GceEnvironment.IsGce)
        {
            return;
        }

        var uri = new Uri(GceEnvironment.MetadataBaseUri, "instance/preempted?wait_for_change=true");
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await IsPreemptedAsync(uri, stoppingToken))
                {
                    LogPreempted(logger);
                    lifetime.StopApplication();
                    return;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                // The metadata server is local and rarely fails, and a held request may be cut: keep watching
                // rather than lose the notice (or, worse, stop a healthy worker).
                LogWatchFailed(logger, e.Message);
                await Task.Delay(RetryDelay, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task<bool> IsPreemptedAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Add("Metadata-Flavor", "Google");
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return body.Trim().Equals("TRUE", StringComparison.OrdinalIgnoreCase);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The VM is being preempted: draining now")]
    private static partial void LogPreempted(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watching for preemption failed, retrying: {Reason}")]
    private static partial void LogWatchFailed(ILogger logger, string reason);
}
