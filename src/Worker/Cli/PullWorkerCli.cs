using System.CommandLine;
using Grpc.Core;
using PullWorker.Worker.Storage;
using PullWorker.Worker.Cli.Demo;
using PullWorker.Worker.Cli.Results;
using PullWorker.Worker.Cli.Submit;
using PullWorker.Worker.Hosting;

namespace PullWorker.Worker.Cli;

/// <summary>
/// The program's entry: <c>demo</c>, <c>submit</c>, <c>results</c> and <c>--help</c> are commands; anything else
/// (nothing, or <c>--Section:Key=value</c> settings) runs the daemon with those arguments as configuration.
/// </summary>
public static class PullWorkerCli
{
    private static readonly string[] CommandWords = ["demo", "submit", "results", "--help", "-h", "-?", "--version"];

    // Long enough for the demo's worker to drain after Ctrl-C before the process is ended anyway.
    private static readonly TimeSpan CtrlCGrace = TimeSpan.FromSeconds(15);

    public static Task<int> RunAsync(string[] args) =>
        IsCommand(args)
            ? CreateRootCommand().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = CtrlCGrace })
            : WorkerHost.RunAsync(args);

    public static bool IsCommand(IReadOnlyList<string> args) => args.Count > 0 && CommandWords.Contains(args[0], StringComparer.Ordinal);

    public static RootCommand CreateRootCommand() => new(
        "pullworker: pulls inference jobs from Pub/Sub, runs them through an ONNX pipeline in batches, writes each " +
        "result to Cloud Storage. Without a command it runs the daemon; settings go as --Section:Key=value " +
        "(e.g. --Worker:Subscription=projects/p/subscriptions/s).")
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
        ObjectTooLargeException e => e.Message,
        RpcException e => $"Pub/Sub: {e.Status.StatusCode}: {e.Status.Detail}",
        ArgumentException e => e.Message,
        FileNotFoundException e => e.Message,
        UnauthorizedAccessException e => e.Message,
        _ => WorkerHost.StartupProblem(exception),
    };
}
