using Microsoft.Extensions.Options;
using PullWorker.PubSub.Names;
using PullWorker.Worker.Storage;

namespace PullWorker.Worker.Options;

/// <summary>Checks the <c>Worker</c> section at start; every failure names its full key.</summary>
public sealed class WorkerOptionsValidator : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Subscription))
        {
            failures.Add("Worker:Subscription is required (projects/{project}/subscriptions/{name})");
        }
        else
        {
            try
            {
                SubscriptionName.Parse(options.Subscription);
            }
            catch (FormatException e)
            {
                failures.Add($"Worker:Subscription: {e.Message}");
            }
        }

        if (string.IsNullOrWhiteSpace(options.Results))
        {
            failures.Add("Worker:Results is required (gs://bucket/prefix/)");
        }
        else if (!GcsUri.TryParse(options.Results, out _, out var error))
        {
            failures.Add($"Worker:Results: {error}");
        }

        for (var i = 0; i < options.InputBuckets.Count; i++)
        {
            if (GcsUri.BucketNameProblem(options.InputBuckets[i] ?? string.Empty) is { } problem)
            {
                failures.Add($"Worker:InputBuckets:{i}: {problem}");
            }
        }

        if (options.DecodeWorkers is < 1 or > 256)
        {
            failures.Add($"Worker:DecodeWorkers must be from 1 to 256, got {options.DecodeWorkers}");
        }

        if (options.ResultWriters is < 1 or > 1024)
        {
            failures.Add($"Worker:ResultWriters must be from 1 to 1024, got {options.ResultWriters}");
        }

        if (options.ModelPollInterval < TimeSpan.Zero)
        {
            failures.Add($"Worker:ModelPollInterval must be zero (off) or positive, got {options.ModelPollInterval}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
