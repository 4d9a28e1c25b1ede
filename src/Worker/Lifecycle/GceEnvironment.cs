namespace PullWorker.Worker.Lifecycle;

/// <summary>Where the process runs, as far as Google Compute Engine is concerned.</summary>
public static class GceEnvironment
{
    /// <summary>
    /// The metadata server. <c>GCE_METADATA_HOST</c> is the variable Google's own libraries honour, which
    /// also lets tests serve the endpoints themselves.
    /// </summary>
    public static Uri MetadataBaseUri { get; } = new(
        $"http://{MetadataHost ?? "metadata.google.internal"}/computeMetadata/v1/");

    private static string? MetadataHost =>
        Environment.GetEnvironmentVariable("GCE_METADATA_HOST") is { Length: > 0 } host ? host : null;

    /// <summary>
    /// True on a GCE VM (the DMI product name says so), or when a metadata host is set explicitly. Cheap
    /// and offline: no network probe delays start-up elsewhere.
    /// </summary>
    public static bool IsGce { get; } = DetectGce();

    private static bool DetectGce()
    {
        if (MetadataHost is not null)
        {
            return true;
        }

        try
        {
            const string productName = "/sys/class/dmi/id/product_name";
            return File.Exists(productName) && File.ReadAllText(productName).Contains("Google", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
