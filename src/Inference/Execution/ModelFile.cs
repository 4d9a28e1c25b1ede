using System.Security.Cryptography;
using System.Text;

namespace PullWorker.Inference.Execution;

/// <summary>A stage's model as loaded: where it came from, its bytes' hash and size, and how long loading took.</summary>
/// <param name="Name">The stage name: the file name without extension, or the built-in stage's name.</param>
/// <param name="Source">The local path, or <c>builtin:</c> plus the stage name.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the model bytes (and its external weight files).</param>
/// <param name="SizeBytes">Size of the model bytes (and its external weight files).</param>
/// <param name="LoadTime">Time to read the bytes and create the session.</param>
/// <param name="InsertedCopies">
/// Host/device copies ONNX Runtime inserted inside the model because it could not place some of its nodes on the
/// device; each runs on every batch. Counted on the device path only (the CPU provider never inserts any); 0 is the
/// goal.
/// </param>
public sealed record ModelFile(string Name, string Source, string Sha256, long SizeBytes, TimeSpan LoadTime, int InsertedCopies)
{
    internal static string HashOf(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>
    /// The hash of a model file and its external weight files (files beside it whose names extend its name, as
    /// <c>model.onnx_data</c> extends <c>model.onnx</c>), read in a stream: a model of any size, in a small buffer.
    /// Without weight files it is the file's own SHA-256; with them, new weights under an unchanged graph (the usual
    /// retrained model) get a new hash too.
    /// </summary>
    internal static string HashOf(string path)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, path);
        foreach (var weights in WeightFilesOf(path))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"\n{Path.GetFileName(weights)}\n"));
            Append(hash, weights);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The size of a model file and its external weight files together.</summary>
    internal static long SizeOf(string path) => WeightFilesOf(path).Append(path).Sum(file => new FileInfo(file).Length);

    private static IEnumerable<string> WeightFilesOf(string path)
    {
        var name = Path.GetFileName(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return Directory.EnumerateFiles(folder)
            .Where(file => Path.GetFileName(file) is var other && other.Length > name.Length && other.StartsWith(name, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
    }

    private static void Append(IncrementalHash hash, string path)
    {
        using var file = File.OpenRead(path);
        var buffer = new byte[1 << 16];
        int read;
        while ((read = file.Read(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }
    }
}
