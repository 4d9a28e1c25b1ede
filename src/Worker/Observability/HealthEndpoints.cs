using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace PullWorker.Worker.Observability;

/// <summary>Liveness, readiness and Prometheus metrics on the health port.</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // Alive means the process answers: the host itself stops when the pipeline dies.
        endpoints.MapGet("/healthz", () => Results.Text("ok\n"));
        endpoints.MapGet("/readyz", (Readiness readiness) => Results.Json(
            new
            {
                ready = readiness.IsReady,
                modelLoaded = readiness.ModelLoaded,
                bucketsWarmed = readiness.BucketsWarmed,
                subscriberStreaming = readiness.SubscriberStreaming,
            },
            statusCode: readiness.IsReady ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable));
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        return endpoints;
    }
}
