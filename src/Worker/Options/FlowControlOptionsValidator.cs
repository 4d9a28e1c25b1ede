using Microsoft.Extensions.Options;

namespace PullWorker.Worker.Options;

/// <summary>Checks the <c>FlowControl</c> section at start; every failure names its full key.</summary>
public sealed class FlowControlOptionsValidator : IValidateOptions<FlowControlOptions>
{
    public ValidateOptionsResult Validate(string? name, FlowControlOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxOutstandingMessages < 0)
        {
            failures.Add($"FlowControl:MaxOutstandingMessages must be 0 (automatic) or positive, got {options.MaxOutstandingMessages}");
        }

        if (options.MaxOutstandingBytes < 1_000_000)
        {
            failures.Add($"FlowControl:MaxOutstandingBytes must be at least 1000000 (one large message must fit), got {options.MaxOutstandingBytes}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
