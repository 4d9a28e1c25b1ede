using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using PullWorker.Worker.Lifecycle;
using PullWorker.Worker.Observability;

namespace PullWorker.Worker.Hosting;

/// <summary>Logs in Cloud Logging's shape where it is read, metrics for Prometheus, and the health port.</summary>
public static class ObservabilityExtensions
{
    /// <summary>Meters whose instruments are exported; each library names its own.</summary>
    private static readonly string[] Meters = ["PullWorker.*"];

    public static WebApplicationBuilder AddWorkerObservability(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var format = builder.Configuration["Logging:Format"] ?? (GceEnvironment.IsGce ? "json" : "text");
        builder.Logging.ClearProviders();
        if (format.Equals("json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddConsole(options => options.FormatterName = CloudLoggingFormatter.FormatterName)
                .AddConsoleFormatter<CloudLoggingFormatter, ConsoleFormatterOptions>();
        }
        else if (format.Equals("text", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
        else
        {
            throw new OptionsValidationException("Logging:Format", typeof(string), [$"Logging:Format must be 'json' or 'text', got '{format}'"]);
        }

        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(Meters).AddPrometheusExporter());
        return builder;
    }
}
