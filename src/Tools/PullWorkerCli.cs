using System.CommandLine;
using Grpc.Core;
using PullWorker.Tools.Demo;
using PullWorker.Tools.Results;
using PullWorker.Tools.Submit;
using PullWorker.Worker.Hosting;

namespace PullWorker.Tools;

/// <summary>
/// The tools' entry: <c>demo</c>, <c>submit</c> and <c>results</c>. The daemon is a program of its own (src/Worker,
/// what the image runs); only the demo runs it, in-process beside the emulator.
/// </summary>
public static class PullWorkerCli
{
    // Long enough for the demo's worker to drain after Ctrl-C before the process is ended anyway.
    private static readonly TimeSpan CtrlCGrace = TimeSpan.FromSeconds(15);

    public static Task<int> RunAsync(string[] args) =>
        CreateRootCommand().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = CtrlCGrace });

    public static RootCommand CreateRootCommand() => new(
        "pullworker tools: run the whole product on this machine (demo), publish jobs to a topic (submit), read or " +
        "wait for the results under a gs:// prefix (results).")
    {
        DemoCommand.Create(),
        SubmitCommand.Create(),
        ResultsCommand.Create(),
    };

    /// <summary>Runs a command's work; a problem the user can fix becomes one line on standard error and exit code 1.</summary>
    internal static async Task<int> RunReportingProblemsAsync(Func<Task<int>> work)
    {
        try
        {
            return await work();
        }
        catch (Exception e) when (Problem(e) is { } problem)
        {
            await Console.Error.WriteLineAsync($"pullworker: {problem}");
            return 1;
        }
    }

    private static string? Problem(Exception exception) => exception switch
    {
        OperationCanceledException => null,
        Google.GoogleApiException e => e.Message,
        Results.ResultTooLargeException e => e.Message,
        RpcException e => $"Pub/Sub: {e.Status.StatusCode}: {e.Status.Detail}",
        ArgumentException e => e.Message,
        // Files named on the command line: missing, a directory, unreadable.
        IOException e => e.Message,
        UnauthorizedAccessException e => e.Message,
        _ => WorkerHost.StartupProblem(exception),
    };
}
