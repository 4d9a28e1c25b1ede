using System.CommandLine;
using Spectre.Console;

namespace PullWorker.Worker.Cli.Submit;

/// <summary><c>submit</c>: publishes files as jobs, to Pub/Sub or the emulator <c>PUBSUB_EMULATOR_HOST</c> names.</summary>
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
        var files = new Argument<string[]>("files")
        {
            Description = "Images (.png .jpg .jpeg .webp) sent as raw image jobs, .json files as one job each, .jsonl files as one job per line",
            Arity = ArgumentArity.OneOrMore,
        };

        var command = new Command(
            "submit",
            "Publishes files as jobs. Uses PUBSUB_EMULATOR_HOST when set, otherwise Application Default Credentials.")
        {
            topic, idPrefix, files,
        };
        command.SetAction((parse, cancellationToken) => PullWorkerCli.RunReportingProblemsAsync(async () =>
        {
            var messages = await JobFiles.ReadAsync(parse.GetValue(files)!, parse.GetValue(idPrefix)!, cancellationToken);
            var ids = await new JobSubmitter(AnsiConsole.Console, emulatorHost: null)
                .SubmitAsync(parse.GetValue(topic)!, messages, cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"Published {ids.Count:N0} messages to [blue]{parse.GetValue(topic)}[/]");
            return 0;
        }));
        return command;
    }
}
