namespace PullWorker.TestSupport;

/// <summary>A model written to a temporary file for the worker's <c>Pipeline:Stages:0:Model</c>; deleted on dispose.</summary>
public sealed class ModelFile : IDisposable
{
    private readonly string _directory;

    private ModelFile(string directory, string path)
    {
        _directory = directory;
        Path = path;
    }

    public string Path { get; }

    public static async Task<ModelFile> WriteAsync(byte[] model, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("pullworker-model-").FullName;
        var path = System.IO.Path.Combine(directory, "model.onnx");
        await File.WriteAllBytesAsync(path, model, cancellationToken);
        return new ModelFile(directory, path);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
