using System.Security.Cryptography;
using System.Text.Json;

namespace PullWorker.Worker.Tests.Security;

/// <summary>
/// Credentials that look real and are unique to one run, placed where a worker could pick them up: a service-account
/// key file named by <c>GOOGLE_APPLICATION_CREDENTIALS</c>, token and key variables, and header-like message
/// attributes a hostile publisher might send hoping to see them echoed.
/// </summary>
internal sealed class FakeSecrets : IDisposable
{
    private FakeSecrets(string directory)
    {
        Directory = directory;
        AccessToken = "ya29." + RandomText(96);
        ApiKey = "AIza" + RandomText(35);
        PrivateKeyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        ProjectId = "secret-project-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        using var rsa = RSA.Create(2048);
        PrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem();
        KeyFile = Path.Combine(directory, "service-account.json");
        File.WriteAllText(KeyFile, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = ProjectId,
            ["private_key_id"] = PrivateKeyId,
            ["private_key"] = PrivateKeyPem,
            ["client_email"] = $"pullworker-worker@{ProjectId}.iam.gserviceaccount.com",
            ["client_id"] = "1" + string.Concat(RandomNumberGenerator.GetBytes(10).Select(b => (char)('0' + (b % 10)))),
            ["token_uri"] = "https://oauth2.googleapis.com/token",
        }));
    }

    public string Directory { get; }

    public string AccessToken { get; }

    public string ApiKey { get; }

    public string PrivateKeyId { get; }

    public string ProjectId { get; }

    public string PrivateKeyPem { get; }

    public string KeyFile { get; }

    /// <summary>The variables to give the worker, as a deployment with leaked secrets in its environment would.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["GOOGLE_APPLICATION_CREDENTIALS"] = KeyFile,
        ["GOOGLE_CLOUD_PROJECT"] = ProjectId,
        ["GOOGLE_OAUTH_ACCESS_TOKEN"] = AccessToken,
        ["GOOGLE_API_KEY"] = ApiKey,
    };

    /// <summary>Header-like attributes on published messages.</summary>
    public IReadOnlyDictionary<string, string> MessageAttributes => new Dictionary<string, string>
    {
        ["authorization"] = "Bearer " + AccessToken,
        ["x-goog-api-key"] = ApiKey,
    };

    /// <summary>Every exact value that must never reach a log: the variables' values and the key's parts.</summary>
    public IEnumerable<string> ExactValues =>
        Environment.Values.Append(PrivateKeyId).Concat(PrivateKeyPem.Split('\n').Where(line => line.Length > 40));

    public static FakeSecrets Create()
    {
        var directory = Path.Combine(Path.GetTempPath(), "fake-secrets-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        return new FakeSecrets(directory);
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private static string RandomText(int length)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        return string.Concat(RandomNumberGenerator.GetBytes(length).Select(b => alphabet[b % alphabet.Length]));
    }
}
