using PullWorker.CostModel.Inputs;
using PullWorker.CostModel.Pricing;

namespace PullWorker.CostModel.Tests.Inputs;

public sealed class CommandLineTests
{
    [Test]
    public void Parse_NoFlags_GivesTheDocumentedDefaultsAndLabelsTheThroughputAssumed()
    {
        var options = CommandLine.Parse([])!;

        Assert.Multiple(() =>
        {
            Assert.That(options.Deployment, Is.EqualTo(new DeploymentInputs()));
            Assert.That(options.Prices, Is.EqualTo(new Prices()));
            Assert.That(options.ThroughputSource, Does.StartWith("ASSUMED"));
        });
    }

    [Test]
    public void Parse_Flags_OverrideTheirInputs()
    {
        var options = CommandLine.Parse(["--max-vms", "8", "--jobs-per-second", "50", "--image-pull-s", "30", "--gpu", "t4"])!;

        Assert.Multiple(() =>
        {
            Assert.That(options.Deployment.MaxVms, Is.EqualTo(8));
            Assert.That(options.Deployment.JobsPerSecondPerVm, Is.EqualTo(50));
            Assert.That(options.Deployment.Startup.ImagePull, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(options.Prices.SpotPerVmHour, Is.EqualTo(Prices.T4.SpotPerVmHour));
            Assert.That(options.ThroughputSource, Does.Not.Contain("ASSUMED"));
        });
    }

    [Test]
    public void Parse_CpuThroughput_IsScaledByTheGpuFactor()
    {
        var options = CommandLine.Parse(["--cpu-jobs-per-second", "7"])!;

        Assert.That(options.Deployment.JobsPerSecondPerVm, Is.EqualTo(7 * DeploymentInputs.AssumedGpuOverCpuFactor));
    }

    [Test]
    public void Parse_Help_GivesNull()
    {
        Assert.That(CommandLine.Parse(["--help"]), Is.Null);
    }

    [TestCase(new[] { "--max-vm", "3" }, "--max-vm")]
    [TestCase(new[] { "--max-vms", "many" }, "many")]
    [TestCase(new[] { "--max-vms" }, "needs a value")]
    [TestCase(new[] { "--max-vms", "0" }, "MaxVms")]
    [TestCase(new[] { "--gpu", "a100" }, "l4 or t4")]
    public void Parse_BadInput_FailsWithAMessageNamingIt(string[] args, string expected)
    {
        Assert.That(() => CommandLine.Parse(args), Throws.ArgumentException.With.Message.Contains(expected));
    }
}
