using Google.Apis.Auth.OAuth2;

namespace PullWorker.Storage.Http;

/// <summary>
/// Application Default Credentials scoped for object reads and writes, loaded on first use. A failed load is not
/// cached: on GCE the metadata server can be briefly unreachable at boot, and the next request should try again.
/// </summary>
internal sealed class ApplicationDefaultCredential : ITokenAccess, IDisposable
{
    public const string Scope = "https://www.googleapis.com/auth/devstorage.read_write";

    private readonly SemaphoreSlim _loadLock = new(1, 1);
    private ITokenAccess? _credential;

    public async Task<string> GetAccessTokenForRequestAsync(string? authUri = null, CancellationToken cancellationToken = default)
    {
        var credential = _credential ?? await LoadAsync(cancellationToken);
        return await credential.GetAccessTokenForRequestAsync(authUri, cancellationToken);
    }

    public void Dispose() => _loadLock.Dispose();

    private async Task<ITokenAccess> LoadAsync(CancellationToken cancellationToken)
    {
        await _loadLock.WaitAsync(cancellationToken);
        try
        {
            if (_credential is null)
            {
                try
                {
                    var credential = await GoogleCredential.GetApplicationDefaultAsync(cancellationToken);
                    _credential = credential.CreateScoped(Scope);
                }
                catch (InvalidOperationException e)
                {
                    throw new InvalidOperationException(
                        "no Application Default Credentials for Cloud Storage: run on GCE with a service account, set "
                        + "GOOGLE_APPLICATION_CREDENTIALS, or set STORAGE_EMULATOR_HOST to use an emulator. " + e.Message,
                        e);
                }
            }

            return _credential;
        }
        finally
        {
            _loadLock.Release();
        }
    }
}
