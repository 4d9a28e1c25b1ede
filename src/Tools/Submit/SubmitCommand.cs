using System.CommandLine;
using PullWorker.Jobs;
using PullWorker.Tools.Results;
using PullWorker.Worker.Storage;
using Spectre.Console;

namespace PullWorker.Tools.Submit;

/// <summary>
/// <c>submit</c>: publishes files, or every object under a <c>gs://</c> prefix, as jobs, to Pub/Sub or the emulator
/// <c>PUBSUB_EMULATOR_HOST</c> names.
/// </summary>
public static class SubmitCommand
{
    public static Command Create()
    {
        var topic = new Option<string>("--topic")
        {
            Description = "The topic to publish to: projects/{project}/topics/{name}",
            Required = true,
        };
        var idPrefix = new Option<string>("--id-prefix")
        {
            Description = "Prepended to an image's file name to make its job id (the result is {results}{id}.json)",
            DefaultValueFactory = _ => string.Empty,
        };
        var input = new Option<string>("--input")
        {
            Description = "gs:// source: the model input each object's image goes to",
            DefaultValueFactory = _ => "image",
        };
        var glob = new Option<string?>("--glob")
        {
            Description = "gs:// source: only objects whose name relative to the prefix matches (* and ?, e.g. '*.jpg'; * also crosses '/')",
        };
        var manifest = new Option<string?>("--manifest")
        {
            Description = "gs:// source: write the submitted job ids to this local file, one per line (for results --wait --manifest)",
        };
        var skipDone = new Option<bool>("--skip-done")
        {
            Description = "gs:// source: leave out objects whose id already has a result under --results (either layout)",
        };
        var results = new Option<string?>("--results")
        {
            Description = "Where the worker writes results, gs://bucket/prefix/ (its Worker:Results); needed by --skip-done",
        };
        var sources = new Argument<string[]>("sources")
        {
            Description = "One gs://bucket/prefix/ (one image job per object under it), or files: images (.png .jpg .jpeg .webp) " +
                "sent as raw image jobs, .json files as one job each, .jsonl files as one job per line",
            Arity = ArgumentArity.OneOrMore,
        };

        var command = new Command(
            "submit",
            "Publishes files, or the objects under a gs:// prefix, as jobs. Uses PUBSUB_EMULATOR_HOST (and " +
            "STORAGE_EMULATOR_HOST for a gs:// source) when set, otherwise Application Default Credentials.")
        {
            topic, idPrefix, input, glob, manifest, skipDone, results, sources,
        };
        command.Validators.Add(result =>
        {
            var given = result.GetValue(sources) ?? [];
            var buckets = given.Count(s => s.StartsWith(GcsUri.Scheme, StringComparison.Ordinal));
            if (buckets > 0 && given.Length > 1)
            {
                result.AddError("sources: give either one gs://bucket/prefix/ or files, not both or several prefixes");
            }
            else if (buckets == 1 && !GcsUri.TryParse(given[0], out _, out var error))
            {
                result.AddError($"sources: {error}");
            }

            if (result.GetValue(skipDone) && result.GetValue(results) is null)
            {
                result.AddError("--skip-done needs --results gs://bucket/prefix/ (where the worker writes results)");
            }

            if (result.GetValue(results) is { } resultsUri && !GcsUri.TryParse(resultsUri, out _, out var resultsError))
            {
                result.AddError($"--results: {resultsError}");
            }
        });
        command.SetAction((parse, cancellationToken) => PullWorkerCli.RunReportingProblemsAsync(async () =>
        {
            var given = parse.GetValue(sources)!;
            if (given[0].StartsWith(GcsUri.Scheme, StringComparison.Ordinal))
            {
                return await SubmitBucketAsync(
                    parse.GetValue(topic)!, GcsUri.Parse(given[0]), parse.GetValue(input)!, parse.GetValue(glob), parse.GetValue(manifest),
                    parse.GetValue(skipDone) ? GcsUri.Parse(parse.GetValue(results)!) : null, cancellationToken);
            }

            var messages = await JobFiles.ReadAsync(given, parse.GetValue(idPrefix)!, cancellationToken);
            var ids = await new JobSubmitter(AnsiConsole.Console, emulatorHost: null)
                .SubmitAsync(parse.GetValue(topic)!, messages, cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"Published {ids.Count:N0} messages to [blue]{parse.GetValue(topic)}[/]");
            return 0;
        }));
        return command;
    }

    private static async Task<int> SubmitBucketAsync(
        string topic, GcsUri prefix, string input, string? glob, string? manifest, GcsUri? skipDoneResults, CancellationToken cancellationToken)
    {
        using var storage = StorageServiceCollectionExtensions.CreateClient(new StorageOptions(), emulatorHost: null);
        var done = skipDoneResults is null
            ? new HashSet<string>(StringComparer.Ordinal)
            : await new ResultReader(storage).IdsAsync(skipDoneResults, cancellationToken);
        var jobs = new BucketJobs(storage, prefix, input, glob, done);
        var outcome = await new BucketSubmission(AnsiConsole.Console, emulatorHost: null).SubmitAsync(topic, jobs, manifest, cancellationToken);
        BucketSubmissionReport.Write(AnsiConsole.Console, topic, manifest, outcome);
        return 0;
    }
}
