using PullWorker.Worker.Lifecycle;

namespace PullWorker.Worker.Observability;

/// <summary>Liveness, readiness and Prometheus metrics on the health port.</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // Failing from the moment the worker knows it cannot work until the process has exited.
        endpoints.MapGet("/healthz", (WorkerFailure failure) => failure.Reason is { } reason
            ? Results.Text($"failing: {reason}\n", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ok\n"));
        endpoints.MapGet("/readyz", (Readiness readiness) => Results.Json(
            new
            {
                ready = readiness.IsReady,
                modelLoaded = readiness.ModelLoaded,
                bucketsChecked = readiness.BucketsChecked,
                subscriberStarted = readiness.SubscriberStarted,
            },
            statusCode: readiness.IsReady ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable));
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        return endpoints;
    }
}
