using System.Text;
using PullWorker.Jobs.Parsing;

namespace PullWorker.Jobs.Tests.Parsing;

/// <summary>Parses test messages the way the worker does.</summary>
internal static class Jobs
{
    public const string MessageId = "1001";

    public static JobParseResult Parse(string json, JobParserOptions? options = null) =>
        new JobParser(options ?? new JobParserOptions()).Parse(MessageId, Encoding.UTF8.GetBytes(json), attributes: null);

    public static JobParseResult Parse(byte[] data, IReadOnlyDictionary<string, string>? attributes, JobParserOptions? options = null) =>
        new JobParser(options ?? new JobParserOptions()).Parse(MessageId, data, attributes);

    /// <summary>The single tensor input of a parsed job.</summary>
    public static TensorInput Tensor(JobParseResult result, string name = "x")
    {
        Assert.That(result.Error, Is.Null, "the job should parse");
        return (TensorInput)result.Job!.Inputs[name];
    }

    /// <summary>A job with one input <c>x</c> whose JSON value is <paramref name="input"/>.</summary>
    public static string WithInput(string input) => $$$"""{"inputs":{"x":{{{input}}}}}""";
}
