namespace PullWorker.Tools.Tests;

/// <summary>Option validation: a mistake on the command line is reported before anything runs.</summary>
[TestFixture]
public sealed class PullWorkerCliTests
{
    [TestCase("demo --jobs 5", "--jobs must be at least 12")]
    [TestCase("results --results s3://bucket/prefix/", "is not a gs:// URI")]
    [TestCase("submit a.png", "Option '--topic' is required.")]
    [TestCase("submit --topic projects/p/topics/t gs://inputs/photos/ a.png", "give either one gs://bucket/prefix/ or files")]
    [TestCase("submit --topic projects/p/topics/t gs://Inputs/photos/", "bucket name 'Inputs' may contain only")]
    [TestCase("submit --topic projects/p/topics/t --skip-done gs://inputs/photos/", "--skip-done needs --results")]
    [TestCase("results --results gs://b/p/ --wait", "--wait needs exactly one of --manifest PATH and --expect N")]
    [TestCase("results --results gs://b/p/ --expect 5", "--manifest and --expect go with --wait")]
    [TestCase("results --results gs://b/p/ --wait --expect 0", "--expect must be at least 1")]
    [TestCase("results --results gs://b/p/ --wait --expect 5 --timeout 00:00:00", "--timeout must be positive")]
    public void Parse_InvalidOptions_ReportsTheProblem(string commandLine, string expected)
    {
        var result = PullWorkerCli.CreateRootCommand().Parse(commandLine);

        Assert.That(result.Errors.Select(e => e.Message), Has.Some.Contains(expected));
    }
}
