using System.Globalization;
using PullWorker.Emulator;
using PullWorker.Jobs.Results;

namespace PullWorker.Tools.Demo;

/// <summary>The worker's configuration for the demo, written out as a user would put it in appsettings.json.</summary>
public static class DemoWorkerConfiguration
{
    public const int MaxBatchSize = 32;

    public static Dictionary<string, string?> Create(
        EmulatorServer emulator, string modelPath, string resultsUri, ResultLayout layout = ResultLayout.Object)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        var size = DemoNames.ImageSize.ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, string?>
        {
            ["Worker:Subscription"] = DemoNames.Subscription,
            ["Worker:Results"] = resultsUri,
            ["Worker:ResultLayout"] = layout.ToString().ToLowerInvariant(),
            ["Worker:InputBuckets:0"] = DemoNames.InputsBucket,
            ["Pipeline:Device"] = "auto",
            ["Pipeline:Stages:0:Model"] = modelPath,

            // The built-in preprocessing turns each uint8 image into floats in [0, 1] on the device, so the demo
            // model's mean_rgb reads a red image as [1, 0, 0].
            ["Pipeline:Image:Input"] = DemoNames.ImageInput,
            ["Pipeline:Image:Width"] = size,
            ["Pipeline:Image:Height"] = size,
            ["Pipeline:Image:Scale"] = (1.0 / 255).ToString("R", CultureInfo.InvariantCulture),
            ["Pipeline:Image:Mean:0"] = "0",
            ["Pipeline:Image:Mean:1"] = "0",
            ["Pipeline:Image:Mean:2"] = "0",
            ["Pipeline:Image:Std:0"] = "1",
            ["Pipeline:Image:Std:1"] = "1",
            ["Pipeline:Image:Std:2"] = "1",
            ["Batching:MaxBatchSize"] = MaxBatchSize.ToString(CultureInfo.InvariantCulture),
            ["Health:Port"] = "0",
            ["Shutdown:Grace"] = "00:00:10",

            // Only warnings and errors, so the progress bar and summary stay readable.
            ["Logging:Format"] = "text",
            ["Logging:LogLevel:Default"] = "Warning",
            // The shipped appsettings.json names these categories, and a named category wins over Default.
            ["Logging:LogLevel:PullWorker"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
            ["PUBSUB_EMULATOR_HOST"] = emulator.PubSubEmulatorHost,
            ["STORAGE_EMULATOR_HOST"] = emulator.StorageEmulatorHost,
        };
    }
}
