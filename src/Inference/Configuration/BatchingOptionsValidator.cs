using Microsoft.Extensions.Options;

namespace PullWorker.Inference.Configuration;

/// <summary>Validates <see cref="BatchingOptions"/>; every failure names its full configuration key.</summary>
public sealed class BatchingOptionsValidator : IValidateOptions<BatchingOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, BatchingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string B = BatchingOptions.SectionName;
        var failures = new List<string>();
        if (options.MaxBatchSize < 1)
        {
            failures.Add($"{B}:MaxBatchSize must be >= 1, got {options.MaxBatchSize}");
        }

        if (options.MaxDelay < TimeSpan.Zero || options.MaxDelay > TimeSpan.FromSeconds(10))
        {
            failures.Add($"{B}:MaxDelay must be between 00:00:00 and 00:00:10, got {options.MaxDelay}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
