using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Google.Cloud.PubSub.V1;
using Google.Protobuf;
using PullWorker.Inference.Onnx;
using PullWorker.Inference.Stages;
using PullWorker.Inference.Tensors;
using PullWorker.Jobs;

namespace PullWorker.Worker.Tests.EndToEnd;

/// <summary>
/// Tensor jobs for a model with a float32 and an int64 input, in every encoding the contract allows, with about
/// one in twenty malformed in one of several ways.
/// </summary>
internal static class TensorJobs
{
    /// <summary>Jobs send at most this many bytes here, so that a <c>too_large</c> job stays small.</summary>
    public const int MaxMessageBytes = 16 * 1024;

    private const int Features = 16;
    private const int Tokens = 4;

    /// <summary><c>x</c> float32 [N, 16] -> <c>y = x W + b</c> [N, 4]; <c>tokens</c> int64 [N, 4] -> <c>total</c> [N, 1] (row sums).</summary>
    public static byte[] Model()
    {
        var builder = new OnnxModelBuilder("mixed_tensor")
            .Input("x", TensorDataType.Float32, "N", Features)
            .Input("tokens", TensorDataType.Int64, "N", Tokens);
        var product = builder.Apply("MatMul", ["x", builder.Constant(SampleModels.Weights(Features * 4, seed: 21, 0.5f), Features, 4)]);
        return builder
            .Node("Add", [product, builder.Constant(SampleModels.Weights(4, seed: 22, 0.1f), 4)], ["y"])
            .Node("ReduceSum", ["tokens", builder.Constant([1L], 1)], ["total"], OnnxAttribute.Int("keepdims", 1))
            .Output("y", TensorDataType.Float32, "N", 4)
            .Output("total", TensorDataType.Int64, "N", 1)
            .Build();
    }

    /// <summary><paramref name="count"/> jobs; every twentieth is malformed, cycling through the ways it can be.</summary>
    public static List<JobCase> Create(int count, int seed)
    {
        var random = new Random(seed);
        var cases = new List<JobCase>(count);
        for (var i = 0; i < count; i++)
        {
            var x = Enumerable.Range(0, Features).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
            var tokens = Enumerable.Range(0, Tokens).Select(_ => random.NextInt64(-1_000_000_000_000, 1_000_000_000_000)).ToArray();
            var id = $"tensor/{i:D5}";
            cases.Add(i % 20 == 19 ? Malformed(i / 20, id, x, tokens) : WellFormed(i, id, x, tokens));
        }

        return cases;
    }

    private static JobCase WellFormed(int i, string id, float[] x, long[] tokens)
    {
        var job = new JsonObject
        {
            ["inputs"] = new JsonObject
            {
                ["x"] = (i & 1) == 0 ? Data("float32", [Features], x) : B64("float32", [Features], MemoryMarshal.AsBytes(x.AsSpan())),
                ["tokens"] = (i & 2) == 0 ? Data("int64", [Tokens], tokens) : B64("int64", [Tokens], MemoryMarshal.AsBytes(tokens.AsSpan())),
            },
        };

        // Some jobs carry no id: their result is named by the message ID.
        var named = i % 50 != 7;
        if (named)
        {
            job["id"] = id;
        }

        return JobCase.Ok(Json(job), named ? id : null, new("x", x, [1, Features]), new("tokens", tokens, [1, Tokens]));
    }

    private static JobCase Malformed(int kind, string id, float[] x, long[] tokens)
    {
        JsonObject Job(JsonObject inputs) => new() { ["id"] = id, ["inputs"] = inputs };
        return (kind % 8) switch
        {
            0 => JobCase.Failing(Message(System.Text.Encoding.UTF8.GetBytes($"{{\"id\":\"{id}\",\"inputs\":{{\"x\":")), id, JobErrorCode.InvalidJson),
            1 => JobCase.Failing(
                Json(new JsonObject { ["id"] = "../" + id, ["inputs"] = new JsonObject { ["x"] = Data("float32", [Features], x) } }),
                null,
                JobErrorCode.InvalidId),
            2 => JobCase.Failing(
                Json(Job(new() { ["x"] = Data("float32", [Features], x), ["tokens"] = Data("int64", [Tokens], tokens), ["z"] = Data("float32", [1], [0f]) })),
                id,
                JobErrorCode.UnknownInput),
            3 => JobCase.Failing(Json(Job(new() { ["x"] = Data("float32", [Features], x) })), id, JobErrorCode.MissingInput),
            4 => JobCase.Failing(
                Json(Job(new() { ["x"] = Data("float32", [Features], x[1..]), ["tokens"] = Data("int64", [Tokens], tokens) })),
                id,
                JobErrorCode.InvalidTensor),
            5 => JobCase.Failing(
                Json(Job(new() { ["x"] = Data("int32", [Features], x.Select(v => (int)v).ToArray()), ["tokens"] = Data("int64", [Tokens], tokens) })),
                id,
                JobErrorCode.InvalidTensor),
            6 => JobCase.Failing(
                Json(Job(new() { ["x"] = Data("float32", [4, 4], x), ["tokens"] = Data("int64", [Tokens], tokens) })),
                id,
                JobErrorCode.InvalidTensor),
            _ => JobCase.Failing(
                Json(Job(new() { ["x"] = Data("float32", [Features], x), ["tokens"] = Data("int64", [Tokens], tokens), ["padding"] = new string(' ', MaxMessageBytes) })),
                null, // too large to read its id: named by the message ID
                JobErrorCode.TooLarge),
        };
    }

    private static JsonObject Data<T>(string dtype, long[] shape, T[] values) => new()
    {
        ["dtype"] = dtype,
        ["shape"] = new JsonArray([.. shape.Select(d => JsonValue.Create(d))]),
        ["data"] = new JsonArray([.. values.Select(v => JsonValue.Create(v))]),
    };

    private static JsonObject B64(string dtype, long[] shape, ReadOnlySpan<byte> bytes) => new()
    {
        ["dtype"] = dtype,
        ["shape"] = new JsonArray([.. shape.Select(d => JsonValue.Create(d))]),
        ["b64"] = Convert.ToBase64String(bytes),
    };

    private static PubsubMessage Json(JsonObject job) => Message(System.Text.Encoding.UTF8.GetBytes(job.ToJsonString()));

    private static PubsubMessage Message(byte[] data) => new() { Data = ByteString.CopyFrom(data) };
}
