using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PullWorker.Bench.Infrastructure;

/// <summary>
/// The worker as deployed: <c>dotnet PullWorker.Worker.dll</c> in its own process, configured only by environment
/// variables (<c>Section__Key</c>). Stopped with SIGTERM (a drain) on dispose; its output is kept for errors.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();
    private readonly Task _stdout;
    private readonly Task _stderr;

    private WorkerProcess(Process process, int healthPort)
    {
        _process = process;
        HealthPort = healthPort;
        _stdout = KeepAsync(process.StandardOutput);
        _stderr = KeepAsync(process.StandardError);
    }

    public int Id => _process.Id;

    public int HealthPort { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the worker with <paramref name="configuration"/> (keys as in appsettings, <c>:</c>-separated).</summary>
    public static WorkerProcess Start(IReadOnlyDictionary<string, string?> configuration)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [RepositoryPaths.WorkerDll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in configuration)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["Health__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new WorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet"), port);
    }

    /// <summary>Polls <c>/readyz</c> until it answers 200; throws with the worker's output if it exits first.</summary>
    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HealthPort}"), Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            ThrowIfExited();
            try
            {
                using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(5, cancellationToken);
        }
    }

    public void ThrowIfExited()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"the worker exited with {_process.ExitCode}:\n{Output}");
        }
    }

    public string Output
    {
        get
        {
            lock (_lastLines)
            {
                return string.Join('\n', _lastLines);
            }
        }
    }

    /// <summary>CPU time the worker process has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        await Task.WhenAll(_stdout, _stderr);
        _process.Dispose();
    }

    private async Task KeepAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_lastLines)
            {
                _lastLines.Enqueue(line);
                if (_lastLines.Count > 40)
                {
                    _lastLines.Dequeue();
                }
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
