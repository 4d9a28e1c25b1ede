using System.Diagnostics;
using System.Reflection;
using PullWorker.Emulator;
using PullWorker.Emulator.Storage;

namespace PullWorker.Bench.ResultWrites;

/// <summary>
/// The storage emulator in a process of its own (this bench, started with <see cref="Verb"/>), so the bench
/// process's CPU time is the client's alone. It adds latency to every request and stops when its input closes.
/// </summary>
internal sealed class StorageEmulatorProcess : IAsyncDisposable
{
    public const string Verb = "storage-emulator";
    public const string Bucket = "bench-results";

    private readonly Process _process;

    private StorageEmulatorProcess(Process process, string host)
    {
        _process = process;
        Host = host;
    }

    public string Host { get; }

    public static async Task<StorageEmulatorProcess> StartAsync(int latencyMilliseconds, int jitterMilliseconds, CancellationToken cancellationToken)
    {
        var self = Assembly.GetEntryAssembly()!.Location;
        var start = new ProcessStartInfo("dotnet", [self, Verb, $"{latencyMilliseconds}", $"{jitterMilliseconds}"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var line = await process.StandardOutput.ReadLineAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(60), cancellationToken)
            ?? throw new InvalidOperationException("the storage emulator process exited before it was ready");
        return new StorageEmulatorProcess(process, line.Trim());
    }

    /// <summary>The child's side: serve until standard input closes.</summary>
    public static async Task<int> ServeAsync(string[] args)
    {
        var latency = TimeSpan.FromMilliseconds(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
        var jitter = TimeSpan.FromMilliseconds(int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
        await using var emulator = await StorageEmulator.StartAsync(EmulatorOptions.DynamicPorts, CancellationToken.None);
        emulator.CreateBucket(Bucket);
        emulator.Faults.Latency = latency;
        emulator.Faults.LatencyJitter = jitter;
        Console.WriteLine(emulator.EmulatorHost);
        await Console.In.ReadToEndAsync();
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
