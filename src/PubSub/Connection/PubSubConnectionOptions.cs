using Google.Apis.Auth.OAuth2;

namespace PullWorker.PubSub.Connection;

/// <summary>Where Pub/Sub is and how to authenticate. The defaults follow Google's conventions.</summary>
public sealed record PubSubConnectionOptions
{
    public const string DefaultEndpoint = "https://pubsub.googleapis.com";

    /// <summary>The variable every Google client reads: <c>host:port</c> of an emulator (plaintext, no auth).</summary>
    public const string EmulatorHostVariable = "PUBSUB_EMULATOR_HOST";

    public const string PubSubScope = "https://www.googleapis.com/auth/pubsub";

    /// <summary>The real service's endpoint, used when no emulator host is set.</summary>
    public string Endpoint { get; init; } = DefaultEndpoint;

    /// <summary>When set (<c>host:port</c>), speak plaintext HTTP/2 to this emulator with no credentials.</summary>
    public string? EmulatorHost { get; init; } = Environment.GetEnvironmentVariable(EmulatorHostVariable);

    /// <summary>Credentials to use instead of Application Default Credentials.</summary>
    public GoogleCredential? Credential { get; init; }

    /// <summary>Options for a given emulator, whatever the environment says.</summary>
    public static PubSubConnectionOptions ForEmulator(string emulatorHost) => new() { EmulatorHost = emulatorHost };
}
