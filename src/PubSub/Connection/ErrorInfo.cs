using Google.Protobuf;
using Grpc.Core;

namespace PullWorker.PubSub.Connection;

/// <summary>
/// The <c>google.rpc.ErrorInfo</c> detail of a failed call, read from the <c>grpc-status-details-bin</c>
/// trailer (a <c>google.rpc.Status</c>). Exactly-once acks report per-ID results in its metadata
/// (ack ID to <c>PERMANENT_FAILURE_*</c> / <c>TRANSIENT_FAILURE_*</c>); permission errors may name the
/// missing permission. Decoded by hand: those protos are not part of our subset.
/// </summary>
internal sealed record ErrorInfo(string Reason, string Domain, IReadOnlyDictionary<string, string> Metadata)
{
    public const string StatusDetailsTrailer = "grpc-status-details-bin";
    private const string ErrorInfoType = "type.googleapis.com/google.rpc.ErrorInfo";

    public static ErrorInfo? FromException(RpcException exception)
    {
        var bytes = exception.Trailers.GetValueBytes(StatusDetailsTrailer);
        return bytes is null ? null : FromStatus(bytes);
    }

    /// <summary>The first ErrorInfo in a serialized <c>google.rpc.Status</c>; null when there is none.</summary>
    /// <exception cref="InvalidProtocolBufferException">The bytes are not a Status.</exception>
    public static ErrorInfo? FromStatus(byte[] status)
    {
        var input = new CodedInputStream(status);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 3 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                var info = FromAny(input.ReadBytes());
                if (info is not null)
                {
                    return info;
                }
            }
            else
            {
                input.SkipLastField();
            }
        }

        return null;
    }

    private static ErrorInfo? FromAny(ByteString any)
    {
        var input = any.CreateCodedInput();
        string? type = null;
        ByteString? value = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: type = input.ReadString(); break;
                case 2: value = input.ReadBytes(); break;
                default: input.SkipLastField(); break;
            }
        }

        return type == ErrorInfoType && value is not null ? Decode(value) : null;
    }

    private static ErrorInfo Decode(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        string reason = "", domain = "";
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: reason = input.ReadString(); break;
                case 2: domain = input.ReadString(); break;
                case 3:
                    var (key, value) = DecodeMapEntry(input.ReadBytes());
                    metadata[key] = value;
                    break;
                default: input.SkipLastField(); break;
            }
        }

        return new ErrorInfo(reason, domain, metadata);
    }

    private static (string Key, string Value) DecodeMapEntry(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        string key = "", value = "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: key = input.ReadString(); break;
                case 2: value = input.ReadString(); break;
                default: input.SkipLastField(); break;
            }
        }

        return (key, value);
    }
}
