using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace PullWorker.Emulator.Storage.Store;

/// <summary>The two hashes Cloud Storage reports for every object, base64-encoded as the JSON API does.</summary>
internal static class Checksums
{
    /// <summary>Base64 of the 16-byte MD5 digest.</summary>
    public static string Md5Base64(ReadOnlySpan<byte> data) => Convert.ToBase64String(MD5.HashData(data));

    /// <summary>Base64 of the CRC32C (Castagnoli) in big-endian byte order, as in <c>crc32c</c> and <c>x-goog-hash</c>.</summary>
    public static string Crc32cBase64(ReadOnlySpan<byte> data)
    {
        Span<byte> bigEndian = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bigEndian, Crc32c(data));
        return Convert.ToBase64String(bigEndian);
    }

    /// <summary>CRC-32C (RFC 3720): reflected polynomial 0x82F63B78, initial and final XOR 0xFFFFFFFF.</summary>
    public static uint Crc32c(ReadOnlySpan<byte> data)
    {
        // BitOperations.Crc32C uses the SSE4.2/ARMv8 instruction when present; eight bytes per step.
        var crc = uint.MaxValue;
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (var word in words)
        {
            crc = BitOperations.Crc32C(crc, BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word));
        }

        foreach (var b in data[(words.Length * sizeof(ulong))..])
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
