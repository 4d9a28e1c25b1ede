namespace PullWorker.Bench.Infrastructure;

/// <summary>A temporary directory the benchmark's ONNX files are written to; deleted on dispose.</summary>
internal sealed class ModelDirectory : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("pullworker-bench-");

    public string Write(string name, byte[] model)
    {
        var path = Path.Combine(_directory.FullName, name + ".onnx");
        File.WriteAllBytes(path, model);
        return path;
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
