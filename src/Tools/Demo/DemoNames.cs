namespace PullWorker.Tools.Demo;

/// <summary>The demo's project layout on the emulator and the shape of its image pipeline.</summary>
public static class DemoNames
{
    public const string Project = "pullworker-demo";
    public const string Topic = $"projects/{Project}/topics/jobs";
    public const string DeadLetterTopic = $"projects/{Project}/topics/jobs-dead-letter";
    public const string Subscription = $"projects/{Project}/subscriptions/jobs-worker";
    public const int MaxDeliveryAttempts = 5;

    public const string ResultsBucket = "results";
    public const string InputsBucket = "inputs";

    /// <summary>Where the sample images go in <see cref="InputsBucket"/>.</summary>
    public const string SamplesPrefix = "samples/";

    /// <summary>The pipeline input jobs name, and the size images are resized to before the model.</summary>
    public const string ImageInput = "image";
    public const int ImageSize = 64;
}
