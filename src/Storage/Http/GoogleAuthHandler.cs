using System.Net.Http.Headers;
using Google.Apis.Auth.OAuth2;

namespace PullWorker.Storage.Http;

/// <summary>
/// Adds an OAuth2 bearer token to each attempt. It sits inside the retry handler, so a retry after a long backoff
/// asks again and gets a fresh token (the credential caches and refreshes tokens itself).
/// </summary>
internal sealed class GoogleAuthHandler(ITokenAccess credential) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await credential.GetAccessTokenForRequestAsync(authUri: null, cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, cancellationToken);
    }
}
