using Grpc.Core;

namespace PullWorker.Emulator.PubSub.Validation;

/// <summary>The status errors the real service answers with, worded so a reader sees which field was wrong.</summary>
internal static class RpcErrors
{
    public static RpcException InvalidArgument(string detail) => new(new Status(StatusCode.InvalidArgument, detail));

    public static RpcException NotFound(string kind, string name) =>
        new(new Status(StatusCode.NotFound, $"Resource not found ({kind}={name})."));

    public static RpcException AlreadyExists(string kind, string name) =>
        new(new Status(StatusCode.AlreadyExists, $"Resource already exists in the project ({kind}={name})."));

    public static RpcException Unimplemented(string detail) => new(new Status(StatusCode.Unimplemented, detail));
}
