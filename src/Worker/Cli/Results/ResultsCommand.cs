using System.CommandLine;
using PullWorker.Worker.Storage;
using PullWorker.Worker.Cli.Shared;
using Spectre.Console;

namespace PullWorker.Worker.Cli.Results;

/// <summary><c>results</c>: lists, summarises and optionally downloads the result objects under a prefix.</summary>
public static class ResultsCommand
{
    public static Command Create()
    {
        var results = new Option<string>("--results")
        {
            Description = "Where the worker writes results: gs://bucket/prefix/ (its Worker:Results)",
            Required = true,
        };
        results.Validators.Add(result =>
        {
            if (!GcsUri.TryParse(result.GetValueOrDefault<string>(), out _, out var error))
            {
                result.AddError($"--results: {error}");
            }
        });
        var download = new Option<string?>("--download")
        {
            Description = "Also save every result object under this directory, by its name relative to the prefix",
        };

        var command = new Command(
            "results",
            "Summarises the results under a prefix: how many, statuses, error codes, latency. Uses " +
            "STORAGE_EMULATOR_HOST when set, otherwise Application Default Credentials.")
        {
            results, download,
        };
        command.SetAction((parse, cancellationToken) => PullWorkerCli.RunReportingProblemsAsync(async () =>
        {
            using var storage = CliStorage.Create();
            var set = await new ResultsReport(AnsiConsole.Console, new ResultReader(storage.Client))
                .RunAsync(GcsUri.Parse(parse.GetValue(results)!), parse.GetValue(download), cancellationToken);
            return set.Unreadable.Count == 0 ? 0 : 1;
        }));
        return command;
    }
}
