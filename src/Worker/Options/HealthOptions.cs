using System.ComponentModel.DataAnnotations;

namespace PullWorker.Worker.Options;

/// <summary>Section <c>Health</c>: the one small HTTP port for probes and metrics.</summary>
public sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>Serves <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>; 0 picks a free port.</summary>
    [Range(0, 65535, ErrorMessage = "Health:Port must be a port number from 0 to 65535")]
    public int Port { get; set; } = 8080;
}
