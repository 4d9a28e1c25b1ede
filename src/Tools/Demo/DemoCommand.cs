using System.CommandLine;
using PullWorker.Jobs.Results;
using Spectre.Console;

namespace PullWorker.Tools.Demo;

/// <summary><c>demo</c>: the whole product on this machine, with no cloud account.</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var jobs = new Option<int>("--jobs")
        {
            Description = $"Sample jobs to publish, a few deliberately malformed (at least {DemoJobs.MinimumCount})",
            DefaultValueFactory = _ => DemoSettings.DefaultJobs,
        };
        jobs.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < DemoJobs.MinimumCount)
            {
                result.AddError($"--jobs must be at least {DemoJobs.MinimumCount}");
            }
        });
        var storageDirectory = new Option<string>("--storage-dir")
        {
            Description = "Where the emulator keeps buckets and objects as ordinary files",
            DefaultValueFactory = _ => DemoSettings.DefaultStorageDirectory,
        };
        var keepRunning = new Option<bool>("--keep-running")
        {
            Description = "After the summary, keep the emulator and worker running until Ctrl-C (to try submit and results)",
        };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds to wait for every job to have a result",
            DefaultValueFactory = _ => (int)DemoSettings.DefaultTimeout.TotalSeconds,
        };

        var layout = new Option<ResultLayout>("--layout")
        {
            Description = "The worker's Worker:ResultLayout: object (one result object per job) or batch (one JSONL object per device batch)",
            DefaultValueFactory = _ => ResultLayout.Object,
        };

        var command = new Command(
            "demo",
            "Runs everything locally: starts the Pub/Sub and Cloud Storage emulator, the worker with a demo model " +
            "(mean colour and sharpness of each image), publishes sample jobs, shows progress and a summary.")
        {
            jobs, storageDirectory, keepRunning, timeout, layout,
        };
        command.SetAction((parse, cancellationToken) => PullWorkerCli.RunReportingProblemsAsync(async () =>
        {
            var settings = new DemoSettings(
                parse.GetValue(jobs),
                parse.GetValue(storageDirectory)!,
                parse.GetValue(keepRunning),
                TimeSpan.FromSeconds(parse.GetValue(timeout)),
                parse.GetValue(layout));
            var summary = await new DemoRunner(settings, AnsiConsole.Console, TimeProvider.System).RunAsync(cancellationToken);
            return summary.Succeeded ? 0 : 1;
        }));
        return command;
    }
}
