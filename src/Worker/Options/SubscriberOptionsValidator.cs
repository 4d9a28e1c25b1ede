using Microsoft.Extensions.Options;

namespace PullWorker.Worker.Options;

/// <summary>Checks the <c>Subscriber</c> section at start with the client library's own limits; failures name the full key.</summary>
public sealed class SubscriberOptionsValidator : IValidateOptions<SubscriberOptions>
{
    public ValidateOptionsResult Validate(string? name, SubscriberOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.ClientCount is < 1 or > 32)
        {
            failures.Add($"Subscriber:ClientCount must be from 1 to 32, got {options.ClientCount}");
        }

        if (options.AckDeadline < TimeSpan.FromSeconds(10) || options.AckDeadline > TimeSpan.FromMinutes(10))
        {
            failures.Add($"Subscriber:AckDeadline must be from 00:00:10 to 00:10:00, got {options.AckDeadline}");
        }

        if (options.AckExtensionWindow < TimeSpan.FromMilliseconds(50) || options.AckExtensionWindow >= options.AckDeadline)
        {
            failures.Add($"Subscriber:AckExtensionWindow must be at least 50 ms and less than Subscriber:AckDeadline, got {options.AckExtensionWindow}");
        }

        if (options.MaxTotalAckExtension < options.AckDeadline)
        {
            failures.Add($"Subscriber:MaxTotalAckExtension must be at least Subscriber:AckDeadline, got {options.MaxTotalAckExtension}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
