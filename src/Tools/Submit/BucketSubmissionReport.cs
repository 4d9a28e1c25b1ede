using Spectre.Console;

namespace PullWorker.Tools.Submit;

/// <summary>The lines <c>submit</c> prints after a bucket submission.</summary>
public static class BucketSubmissionReport
{
    public static void Write(IAnsiConsole console, string topic, string? manifest, BucketSubmissionResult outcome)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(outcome);
        console.MarkupLineInterpolated($"Published {outcome.Published:N0} jobs to [blue]{topic}[/]");
        if (outcome.Skipped > 0)
        {
            console.MarkupLineInterpolated($"Left out {outcome.Skipped:N0} objects whose id already has a result");
        }

        foreach (var (name, problem) in outcome.Rejected)
        {
            console.MarkupLineInterpolated($"[red]not submitted:[/] {name}: {problem}");
        }

        if (outcome.RejectedCount > outcome.Rejected.Count)
        {
            console.MarkupLineInterpolated($"[red]not submitted:[/] {outcome.RejectedCount - outcome.Rejected.Count:N0} more objects whose names cannot be job ids");
        }

        if (manifest is not null)
        {
            console.MarkupLineInterpolated($"Manifest of the submitted ids: {Path.GetFullPath(manifest)}");
        }
    }
}
