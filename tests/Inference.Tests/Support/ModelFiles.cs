using PullWorker.Inference.Stages;

namespace PullWorker.Inference.Tests.Support;

/// <summary>Sample models written once per test run to a temporary directory, as the worker would receive them.</summary>
[SetUpFixture]
public sealed class ModelFiles
{
    private static DirectoryInfo? s_directory;

    public static string Chain(int stage) => PathOf($"chain{stage}", () => SampleModels.ThreeStageChain()[stage]);

    public static string TinyMlp => PathOf("tiny_mlp", SampleModels.TinyMlp);

    public static string Poisoned => PathOf("poisoned", SampleModels.Poisoned);

    public static string Demo => PathOf("demo", SampleModels.Demo);

    public static string SymbolicLength => PathOf("symbolic_length", SampleModels.SymbolicLength);

    /// <summary>A model mapping float [N, 3] to itself: logits for the postprocessing stage.</summary>
    public static string Logits3 => PathOf("logits3", () => new PullWorker.Inference.Onnx.OnnxModelBuilder("logits3")
        .Input("features", Tensors.TensorDataType.Float32, "N", 3)
        .Node("Identity", ["features"], ["logits"])
        .Output("logits", Tensors.TensorDataType.Float32, "N", 3)
        .Build());

    public static string WriteText(string name, string text)
    {
        var path = Path.Combine(Directory.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    public static string WriteBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(Directory.FullName, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [OneTimeTearDown]
    public void DeleteFiles() => s_directory?.Delete(recursive: true);

    private static DirectoryInfo Directory => s_directory ??= System.IO.Directory.CreateTempSubdirectory("pullworker-inference-tests-");

    private static string PathOf(string name, Func<byte[]> build)
    {
        var path = Path.Combine(Directory.FullName, name + ".onnx");
        lock (typeof(ModelFiles))
        {
            if (!File.Exists(path))
            {
                File.WriteAllBytes(path, build());
            }
        }

        return path;
    }
}
