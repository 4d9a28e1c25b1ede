using Google.Protobuf;
using Grpc.Core;

namespace PullWorker.PubSub.Tests;

/// <summary>Builds a serialized google.rpc.Status with one ErrorInfo detail, as the service sends it.</summary>
internal static class ErrorInfoEncoding
{
    public static byte[] Status(StatusCode code, string reason, params (string Key, string Value)[] metadata)
    {
        var errorInfo = Message(output =>
        {
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteString(reason);
            output.WriteTag(2, WireFormat.WireType.LengthDelimited);
            output.WriteString("pubsub.googleapis.com");
            foreach (var (key, value) in metadata)
            {
                output.WriteTag(3, WireFormat.WireType.LengthDelimited);
                output.WriteBytes(Message(entry =>
                {
                    entry.WriteTag(1, WireFormat.WireType.LengthDelimited);
                    entry.WriteString(key);
                    entry.WriteTag(2, WireFormat.WireType.LengthDelimited);
                    entry.WriteString(value);
                }));
            }
        });
        var any = Message(output =>
        {
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteString("type.googleapis.com/google.rpc.ErrorInfo");
            output.WriteTag(2, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(errorInfo);
        });
        return Message(output =>
        {
            output.WriteTag(1, WireFormat.WireType.Varint);
            output.WriteInt32((int)code);
            output.WriteTag(2, WireFormat.WireType.LengthDelimited);
            output.WriteString("details");
            output.WriteTag(3, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(any);
        }).ToByteArray();
    }

    private static ByteString Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        write(output);
        output.Flush();
        return ByteString.CopyFrom(buffer.ToArray());
    }
}
