using System.Text;
using PullWorker.Emulator;
using PullWorker.Emulator.Storage;
using PullWorker.Inference;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Onnx;
using PullWorker.Inference.Stages;
using PullWorker.Inference.Tensors;
using PullWorker.Jobs.Parsing;
using PullWorker.Worker.Decoding;
using PullWorker.Worker.Inputs;
using PullWorker.Worker.Storage;

namespace PullWorker.Worker.Tests.Decoding;

/// <summary>
/// What the decoding tests share, built once: real pipelines (sample models written to temporary files), the
/// storage emulator on a dynamic port with an input bucket, and a fetcher reading from it.
/// </summary>
[SetUpFixture]
public sealed class DecoderEnvironment
{
    public const string InputBucket = "decode-inputs";
    public const int ImageWidth = 32;
    public const int ImageHeight = 24;

    private static DirectoryInfo? s_models;
    private static StorageEmulator? s_emulator;
    private static InputFetcher? s_fetcher;

    public static StorageEmulator StorageServer => s_emulator ?? throw new InvalidOperationException("not set up");

    public static Google.Cloud.Storage.V1.StorageClient StorageClient { get; private set; } = null!;

    /// <summary>Demo model behind the image preprocessing stage: <c>image</c> uint8 [24, 32, 3], warmed up.</summary>
    public static InferenceEngine ImagePipeline { get; private set; } = null!;

    /// <summary><c>x</c> float32 [16].</summary>
    public static InferenceEngine TinyMlp { get; private set; } = null!;

    /// <summary><c>tokens</c> int64 [L] with L = 5.</summary>
    public static InferenceEngine SymbolicLength { get; private set; } = null!;

    /// <summary><c>pixels</c> uint8 [8, 8, 3] and <c>x</c> float32 [4].</summary>
    public static InferenceEngine ImageAndTensor { get; private set; } = null!;

    /// <summary><c>left</c> and <c>right</c>, both uint8 [4, 4, 3].</summary>
    public static InferenceEngine TwoImages { get; private set; } = null!;

    public static JobDecoder DecoderFor(InferenceEngine engine, ImageDecodingOptions? options = null) =>
        new(engine.Inputs, s_fetcher!, new ImageDecoder(options ?? new ImageDecodingOptions()), new SemaphoreSlim(Environment.ProcessorCount));

    public static ParsedJob Json(string json)
    {
        var result = new JobParser(new JobParserOptions()).Parse("42", Encoding.UTF8.GetBytes(json), attributes: null);
        Assert.That(result.Error, Is.Null, "the test job should parse");
        return result.Job!;
    }

    public static ParsedJob Raw(byte[] image, string contentType = "image/png")
    {
        var result = new JobParser(new JobParserOptions()).Parse(
            "42", image, new Dictionary<string, string> { [JobParser.ContentTypeAttribute] = contentType });
        return result.Job!;
    }

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        s_models = Directory.CreateTempSubdirectory("pullworker-decoding-tests-");
        s_emulator = await StorageEmulator.StartAsync(EmulatorOptions.DynamicPorts, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        s_emulator.CreateBucket(InputBucket);
        // No retries: a test that injects one 503 sees it.
        var storageOptions = Microsoft.Extensions.Options.Options.Create(new StorageOptions { RetryAttempts = 0 });
        StorageClient = StorageServiceCollectionExtensions.CreateClient(storageOptions.Value, s_emulator.EmulatorHost);
        s_fetcher = new InputFetcher(StorageClient, [InputBucket], storageOptions, TimeProvider.System);

        var image = Pipeline("demo", SampleModels.Demo());
        image.Image = new ImagePreprocessingOptions { Width = ImageWidth, Height = ImageHeight };
        ImagePipeline = await InferenceEngine.StartAsync(image, new BatchingOptions { MaxBatchSize = 1 }).WaitAsync(TimeSpan.FromSeconds(60));
        TinyMlp = Load(Pipeline("tiny_mlp", SampleModels.TinyMlp()));
        var symbolic = Pipeline("symbolic_length", SampleModels.SymbolicLength());
        symbolic.SymbolicDims["L"] = 5;
        SymbolicLength = Load(symbolic);
        ImageAndTensor = Load(Pipeline("image_and_tensor", new OnnxModelBuilder("image_and_tensor")
            .Input("pixels", TensorDataType.UInt8, "N", 8, 8, 3)
            .Input("x", TensorDataType.Float32, "N", 4)
            .Node("Identity", ["pixels"], ["pixels_out"])
            .Node("Identity", ["x"], ["x_out"])
            .Output("pixels_out", TensorDataType.UInt8, "N", 8, 8, 3)
            .Output("x_out", TensorDataType.Float32, "N", 4)
            .Build()));
        TwoImages = Load(Pipeline("two_images", new OnnxModelBuilder("two_images")
            .Input("left", TensorDataType.UInt8, "N", 4, 4, 3)
            .Input("right", TensorDataType.UInt8, "N", 4, 4, 3)
            .Node("Add", ["left", "right"], ["sum"])
            .Output("sum", TensorDataType.UInt8, "N", 4, 4, 3)
            .Build()));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        // Set up in order, so a failed set-up leaves the later ones null.
        await DisposeAsync(ImagePipeline);
        await DisposeAsync(TinyMlp);
        await DisposeAsync(SymbolicLength);
        await DisposeAsync(ImageAndTensor);
        await DisposeAsync(TwoImages);

        s_fetcher?.Dispose();
        StorageClient?.Dispose();
        if (s_emulator is not null)
        {
            await s_emulator.DisposeAsync();
        }

        s_models?.Delete(recursive: true);
    }

    private static async Task DisposeAsync(InferenceEngine? engine)
    {
        if (engine is not null)
        {
            await engine.DisposeAsync();
        }
    }

    private static PipelineOptions Pipeline(string name, byte[] model)
    {
        var path = Path.Combine(s_models!.FullName, name + ".onnx");
        File.WriteAllBytes(path, model);
        return new PipelineOptions { Device = DeviceKind.Cpu, IntraOpThreads = 1, Stages = [new StageOptions { Model = path }] };
    }

    private static InferenceEngine Load(PipelineOptions pipeline) =>
        InferenceEngine.Create(pipeline, new BatchingOptions { MaxBatchSize = 1 });
}
