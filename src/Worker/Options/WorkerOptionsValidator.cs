using Google.Cloud.PubSub.V1;
using Microsoft.Extensions.Options;
using PullWorker.Jobs;

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
            if (!SubscriptionName.TryParse(options.Subscription, out _))
            {
                failures.Add($"Worker:Subscription must look like projects/{{project}}/subscriptions/{{name}}, got '{options.Subscription}'");
            }
        }

        if (string.IsNullOrWhiteSpace(options.ResultsPrefix))
        {
            failures.Add("Worker:Results is required (gs://bucket/prefix/)");
        }
        else if (!GcsUri.TryParse(options.ResultsPrefix, out _, out var error))
        {
            failures.Add($"Worker:Results: {error}");
        }

        if (!Enum.IsDefined(options.ResultLayout))
        {
            failures.Add($"Worker:ResultLayout must be 'object' or 'batch', got '{options.ResultLayout}'");
        }

        for (var i = 0; i < options.InputBuckets.Count; i++)
        {
            if (GcsUri.BucketNameProblem(options.InputBuckets[i] ?? string.Empty) is { } problem)
            {
                failures.Add($"Worker:InputBuckets:{i}: {problem}");
            }
        }

        if (options.ModelPollInterval < TimeSpan.Zero)
        {
            failures.Add($"Worker:ModelPollInterval must be zero (off) or positive, got {options.ModelPollInterval}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
