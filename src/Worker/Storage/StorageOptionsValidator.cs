using System.Globalization;
using Microsoft.Extensions.Options;

namespace PullWorker.Worker.Storage;

/// <summary>Checks <see cref="StorageOptions"/> at start; every message names the full configuration key.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        void Require(bool valid, string key, string rule, object? actual)
        {
            if (!valid)
            {
                failures.Add(string.Create(
                    CultureInfo.InvariantCulture, $"{StorageOptions.SectionName}:{key} must be {rule}, got '{actual}'"));
            }
        }

        Require(options.MaxInputBytes > 0, nameof(options.MaxInputBytes), "a positive number of bytes", options.MaxInputBytes);
        Require(options.WriteConcurrency > 0, nameof(options.WriteConcurrency), "at least 1", options.WriteConcurrency);
        Require(options.FetchConcurrency > 0, nameof(options.FetchConcurrency), "at least 1", options.FetchConcurrency);
        Require(options.RequestTimeout > TimeSpan.Zero, nameof(options.RequestTimeout), "a positive duration", options.RequestTimeout);
        Require(
            options.RetryAttempts is >= 0 and <= StorageOptions.MaxRetryAttempts,
            nameof(options.RetryAttempts),
            "0 to 19",
            options.RetryAttempts);
        Require(options.RetryBaseDelay > TimeSpan.Zero, nameof(options.RetryBaseDelay), "a positive duration", options.RetryBaseDelay);
        Require(
            options.RetryMaxDelay >= options.RetryBaseDelay,
            nameof(options.RetryMaxDelay),
            "at least Storage:RetryBaseDelay",
            options.RetryMaxDelay);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
