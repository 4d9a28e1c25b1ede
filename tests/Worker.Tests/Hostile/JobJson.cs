using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PullWorker.Worker.Tests.Hostile;

/// <summary>Builds the JSON form of jobs for the mixed pipeline, valid or with one part replaced.</summary>
internal static class JobJson
{
    /// <summary>A JSON string literal (escaped as any client would).</summary>
    public static string Str(string value) => JsonSerializer.Serialize(value);

    public static string Tensor(string dtype, string shape, string data) =>
        $$"""{"dtype":{{Str(dtype)}},"shape":{{shape}},"data":{{data}}}""";

    public static string TensorB64(string dtype, string shape, string b64) =>
        $$"""{"dtype":{{Str(dtype)}},"shape":{{shape}},"b64":{{Str(b64)}}}""";

    public static string ImageB64(byte[] encoded) => "{\"image\":{\"b64\":\"" + Convert.ToBase64String(encoded) + "\"}}";

    public static string ImageUri(string uri) => "{\"image\":{\"uri\":" + Str(uri) + "}}";

    public static string Array(IEnumerable<long> values) => "[" + string.Join(',', values) + "]";

    /// <summary>Four random int64 values for <c>x</c>, and their sum.</summary>
    public static (long[] Values, long Sum) RandomX(Random random)
    {
        var values = new long[4];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = random.Next(-1000, 1001);
        }

        return (values, values.Sum());
    }

    public static string X(long[] values) => Tensor("int64", "[4]", Array(values));

    public static string F(Random random) => Tensor(
        "float32",
        "[3]",
        "[" + string.Join(',', Enumerable.Range(0, 3).Select(_ => (random.NextDouble() * 10).ToString("R", CultureInfo.InvariantCulture))) + "]");

    /// <summary>A job object from raw input JSON texts; the id goes first unless <paramref name="idLast"/>.</summary>
    public static string Job(string? id, IEnumerable<KeyValuePair<string, string>> inputs, bool idLast = false)
    {
        var inputsJson = "{" + string.Join(',', inputs.Select(pair => Str(pair.Key) + ":" + pair.Value)) + "}";
        return id is null
            ? $$"""{"inputs":{{inputsJson}}}"""
            : idLast
                ? $$"""{"inputs":{{inputsJson}},"id":{{Str(id)}}}"""
                : $$"""{"id":{{Str(id)}},"inputs":{{inputsJson}}}""";
    }

    /// <summary>The three inputs of a valid mixed job, any of which a case may replace or drop.</summary>
    public static Dictionary<string, string> ValidInputs(Random random, long[] x, byte[] image) => new(StringComparer.Ordinal)
    {
        ["x"] = X(x),
        ["f"] = F(random),
        ["image"] = ImageB64(image),
    };

    public static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);
}
