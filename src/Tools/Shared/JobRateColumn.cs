using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PullWorker.Tools.Shared;

/// <summary>A progress column showing the task's recent rate as jobs per second (Spectre's own speed column speaks bytes).</summary>
public sealed class JobRateColumn : ProgressColumn
{
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new Text(string.Create(CultureInfo.InvariantCulture, $"{task.Speed ?? 0:F0} jobs/s"));
    }
}
