using System.ComponentModel.DataAnnotations;

namespace PullWorker.Worker.Options;

/// <summary>Section <c>Shutdown</c>: how long a drain may take.</summary>
public sealed class ShutdownOptions
{
    public const string SectionName = "Shutdown";

    /// <summary>
    /// Time from SIGTERM (or a preemption notice) to exit. 25 s fits inside a Spot VM's 30 s notice and
    /// leaves the host a margin inside its own shutdown timeout, which is set a little above this.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Shutdown:Grace must be between 1 s and 10 min")]
    public TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(25);
}
