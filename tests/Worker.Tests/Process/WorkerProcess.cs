using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace PullWorker.Worker.Tests.Process;

/// <summary>
/// The built worker (<c>dotnet exec PullWorker.Worker.dll</c>) as a separate process, configured only through
/// environment variables, as a user runs it. Captures every line of standard output and error, can wait for a
/// line, sends SIGTERM or SIGKILL, and is always killed on dispose.
/// </summary>
internal sealed partial class WorkerProcess : IAsyncDisposable
{
    /// <summary>The environment variables the worker reads; cleared so the test machine's own cannot leak in.</summary>
    private static readonly string[] WorkerVariablePrefixes =
        ["Worker__", "Pipeline__", "Batching__", "FlowControl__", "Shutdown__", "Health__", "Logging__", "Storage__", "Jobs__", "Decoding__"];

    private readonly System.Diagnostics.Process _process;
    private readonly OutputLog _stdout = new();
    private readonly OutputLog _stderr = new();
    private readonly string _workingDirectory;

    private WorkerProcess(System.Diagnostics.Process process, string workingDirectory)
    {
        _process = process;
        _workingDirectory = workingDirectory;
    }

    /// <summary>The worker assembly built beside this test assembly (the Worker project is referenced).</summary>
    public static string WorkerAssembly
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "PullWorker.Worker.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"the worker was not built beside the tests: {path}");
        }
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Every line written to standard output so far.</summary>
    public IReadOnlyList<string> Stdout => _stdout.Lines;

    /// <summary>Every line written to standard error so far.</summary>
    public IReadOnlyList<string> Stderr => _stderr.Lines;

    /// <summary>Starts the worker with <paramref name="environment"/> (<c>Section__Key</c> names) in an empty directory.</summary>
    public static WorkerProcess Start(IReadOnlyDictionary<string, string?> environment)
    {
        var workingDirectory = Directory.CreateTempSubdirectory("pullworker-e2e-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "exec", WorkerAssembly },
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in start.Environment.Keys.Where(IsWorkerVariable).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new System.Diagnostics.Process { StartInfo = start, EnableRaisingEvents = true };
        var worker = new WorkerProcess(process, workingDirectory);
        process.OutputDataReceived += (_, e) => worker._stdout.Add(e.Data);
        process.ErrorDataReceived += (_, e) => worker._stderr.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>Waits for the first standard-output line matching <paramref name="predicate"/>; fails if the process exits first.</summary>
    public Task<string> WaitForOutputAsync(Func<string, bool> predicate, CancellationToken cancellationToken) =>
        _stdout.WaitForAsync(predicate, cancellationToken);

    /// <summary>The health port, from Kestrel's "Now listening on: http://[::]:PORT" line (<c>Health:Port=0</c>).</summary>
    public async Task<int> WaitForHealthPortAsync(CancellationToken cancellationToken)
    {
        var line = await WaitForOutputAsync(l => ListeningLine().IsMatch(l), cancellationToken);
        return int.Parse(ListeningLine().Match(line).Groups["port"].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Sends SIGTERM, as systemd, Docker or a Spot preemption would.</summary>
    public async Task TerminateAsync(CancellationToken cancellationToken)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync(cancellationToken);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -TERM {Id} exited with {kill.ExitCode}");
        }
    }

    /// <summary>SIGKILL: the process gets no chance to drain, as when a VM disappears.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Waits for the process and its output streams to end; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    /// <summary>Everything the process wrote, for assertion messages.</summary>
    public string Transcript() =>
        $"--- stdout ---\n{string.Join('\n', Stdout.TakeLast(60))}\n--- stderr ---\n{string.Join('\n', Stderr)}";

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }

        _process.Dispose();
        Directory.Delete(_workingDirectory, recursive: true);
    }

    private static bool IsWorkerVariable(string name) =>
        name.EndsWith("_EMULATOR_HOST", StringComparison.Ordinal)
        || WorkerVariablePrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex(@"Now listening on: http://[^\s]*:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}
