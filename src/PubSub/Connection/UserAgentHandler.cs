using System.Reflection;

namespace PullWorker.PubSub.Connection;

/// <summary>
/// Names the product in <c>user-agent</c>. Grpc.Net.Client writes its own value on every request, so the
/// header is replaced here, below the gRPC layer, keeping grpc-dotnet's token after ours.
/// </summary>
internal sealed class UserAgentHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public static string ProductToken { get; } = "pullworker/" + ProductVersion();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var grpcAgent = request.Headers.TryGetValues("User-Agent", out var values) ? string.Join(' ', values) : "";
        request.Headers.Remove("User-Agent");
        request.Headers.TryAddWithoutValidation("User-Agent", $"{ProductToken} {grpcAgent}".TrimEnd());
        return base.SendAsync(request, cancellationToken);
    }

    private static string ProductVersion()
    {
        var assembly = typeof(UserAgentHandler).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return informational?.Split('+')[0] ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
    }
}
