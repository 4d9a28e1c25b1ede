using Google.Apis.Auth.OAuth2;
using Grpc.Core;

namespace PullWorker.PubSub.Connection;

/// <summary>Application Default Credentials turned into per-call gRPC credentials.</summary>
internal static class GoogleAuthentication
{
    public static async Task<GoogleCredential> ResolveAsync(GoogleCredential? configured, CancellationToken cancellationToken)
    {
        if (configured is not null)
        {
            return configured.CreateScoped(PubSubConnectionOptions.PubSubScope);
        }

        try
        {
            var credential = await GoogleCredential.GetApplicationDefaultAsync(cancellationToken);
            return credential.CreateScoped(PubSubConnectionOptions.PubSubScope);
        }
        catch (InvalidOperationException ex)
        {
            throw new PubSubConfigurationException(
                "No Google credentials found for Pub/Sub. On GCE the VM's service account is used; elsewhere set " +
                "GOOGLE_APPLICATION_CREDENTIALS to a key file or run 'gcloud auth application-default login'. " +
                $"To use an emulator set {PubSubConnectionOptions.EmulatorHostVariable}=host:port. ({ex.Message})",
                ex);
        }
    }

    /// <summary>
    /// A token per call. Google.Apis.Auth caches the access token and refreshes it shortly before it
    /// expires, so long-lived streams reopened after an hour get a fresh one without extra work here.
    /// </summary>
    public static CallCredentials ToCallCredentials(GoogleCredential credential)
    {
        ITokenAccess tokens = credential;
        return CallCredentials.FromInterceptor(async (context, metadata) =>
        {
            var token = await tokens.GetAccessTokenForRequestAsync(context.ServiceUrl, context.CancellationToken);
            metadata.Add("authorization", "Bearer " + token);
        });
    }

    /// <summary>Who the calls run as, for error messages that must say which identity lacks a permission.</summary>
    public static string DescribeIdentity(GoogleCredential credential) => credential.UnderlyingCredential switch
    {
        ServiceAccountCredential account => $"service account {account.Id}",
        ComputeCredential => "the GCE VM's attached service account",
        UserCredential => "the user credentials from 'gcloud auth application-default login'",
        ImpersonatedCredential => "an impersonated service account",
        var other => other.GetType().Name,
    };
}
