using System.CommandLine;
using PullWorker.Jobs;
using PullWorker.Worker.Storage;
using Spectre.Console;

namespace PullWorker.Tools.Results;

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

        var wait = new Option<bool>("--wait")
        {
            Description = "Poll until every expected job (--manifest or --expect) has a result or --timeout passes; " +
                "exit 0 only when every one of them is ok",
        };
        var manifest = new Option<string?>("--manifest")
        {
            Description = "--wait: the expected job ids, one per line (what submit --manifest wrote)",
        };
        var expect = new Option<int?>("--expect")
        {
            Description = "--wait: the number of results expected, when there is no manifest",
        };
        var timeout = new Option<TimeSpan>("--timeout")
        {
            Description = "--wait: how long to wait at most, as hh:mm:ss",
            DefaultValueFactory = _ => TimeSpan.FromHours(1),
        };
        var poll = new Option<TimeSpan>("--poll")
        {
            Description = "--wait: time between listings of the results prefix, as hh:mm:ss",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(5),
        };

        var command = new Command(
            "results",
            "Summarises the results under a prefix: how many, statuses, error codes, latency; with --wait, waits for " +
            "a run to finish first. Uses STORAGE_EMULATOR_HOST when set, otherwise Application Default Credentials.")
        {
            results, download, wait, manifest, expect, timeout, poll,
        };
        command.Validators.Add(result =>
        {
            var waiting = result.GetValue(wait);
            var expectations = (result.GetValue(manifest) is null ? 0 : 1) + (result.GetValue(expect) is null ? 0 : 1);
            if (waiting && expectations != 1)
            {
                result.AddError("--wait needs exactly one of --manifest PATH and --expect N");
            }
            else if (!waiting && expectations > 0)
            {
                result.AddError("--manifest and --expect go with --wait");
            }
        });
        expect.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1)
            {
                result.AddError("--expect must be at least 1");
            }
        });
        foreach (var span in new[] { timeout, poll })
        {
            span.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<TimeSpan>() <= TimeSpan.Zero)
                {
                    result.AddError($"{span.Name} must be positive (hh:mm:ss)");
                }
            });
        }
        command.SetAction((parse, cancellationToken) => PullWorkerCli.RunReportingProblemsAsync(async () =>
        {
            using var storage = StorageServiceCollectionExtensions.CreateClient(new StorageOptions(), emulatorHost: null);
            if (parse.GetValue(wait))
            {
                var expected = parse.GetValue(manifest) is { } path
                    ? await ResultExpectation.ReadManifestAsync(path, cancellationToken)
                    : ResultExpectation.Of(parse.GetValue(expect)!.Value);
                var prefix = GcsUri.Parse(parse.GetValue(results)!);
                var outcome = await new ResultWatch(AnsiConsole.Console, new ResultReader(storage), TimeProvider.System)
                    .WaitAsync(prefix, expected, parse.GetValue(timeout), parse.GetValue(poll), cancellationToken);
                ResultWaitReport.Write(AnsiConsole.Console, prefix, outcome);
                return outcome.AllOk ? 0 : 1;
            }

            var set = await new ResultsReport(AnsiConsole.Console, new ResultReader(storage))
                .RunAsync(GcsUri.Parse(parse.GetValue(results)!), parse.GetValue(download), cancellationToken);
            return set.Unreadable.Count == 0 ? 0 : 1;
        }));
        return command;
    }
}
