using System.Security.Cryptography;

namespace PullWorker.Inference.Execution;

/// <summary>A stage's model as loaded: where it came from, its bytes' hash and size, and how long loading took.</summary>
/// <param name="Name">The stage name: the file name without extension, or the built-in stage's name.</param>
/// <param name="Source">The local path, or <c>builtin:</c> plus the stage name.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the model bytes.</param>
/// <param name="SizeBytes">Size of the model bytes.</param>
/// <param name="LoadTime">Time to read the bytes and create the session.</param>
/// <param name="InsertedCopies">
/// Host/device copies ONNX Runtime inserted inside the model because it could not place some of its nodes on the
/// device; each runs on every batch. Counted on the device path only (the CPU provider never inserts any); 0 is the
/// goal.
/// </param>
public sealed record ModelFile(string Name, string Source, string Sha256, long SizeBytes, TimeSpan LoadTime, int InsertedCopies)
{
    internal static string HashOf(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The file's hash, read in a stream: a model of any size, in a small buffer.</summary>
    internal static string HashOf(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }
}
