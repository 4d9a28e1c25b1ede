using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using PullWorker.Inference.Configuration;
using PullWorker.Worker.Hosting;
using PullWorker.Worker.Options;
using PullWorker.Worker.Storage;

namespace PullWorker.Worker.Tests.Hosting;

/// <summary>
/// What start-up prints as one line (a mistake the user can fix) and what it lets through with its stack trace
/// (a bug, which one line would hide).
/// </summary>
[TestFixture]
public sealed class StartupProblemTests
{
    [Test]
    public void StartupProblem_SetupExceptions_AreTheirMessage()
    {
        Assert.Multiple(() =>
        {
            Assert.That(WorkerHost.StartupProblem(new PipelineSetupException("Pipeline:Stages:0:Model: no model file")), Is.EqualTo("Pipeline:Stages:0:Model: no model file"));
            Assert.That(WorkerHost.StartupProblem(new StorageSetupException("Worker:Results: bucket 'b' does not exist")), Is.EqualTo("Worker:Results: bucket 'b' does not exist"));
        });
    }

    [Test]
    public void StartupProblem_EveryInvalidSection_OnOneLine()
    {
        var problem = WorkerHost.StartupProblem(new AggregateException(
            new OptionsValidationException("Batching", typeof(object), ["Batching:MaxBatchSize must be at least 1"]),
            new PipelineSetupException("Pipeline:Device: cuda is not available")));

        Assert.That(problem, Is.EqualTo("Batching:MaxBatchSize must be at least 1; Pipeline:Device: cuda is not available"));
    }

    [Test]
    public void StartupProblem_ValueTheBinderCannotConvert_NamesTheKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Worker:ResultLayout"] = "bundle" }).Build();
        var error = Assert.Catch(() => configuration.GetSection(WorkerOptions.SectionName).Get<WorkerOptions>());

        Assert.That(WorkerHost.StartupProblem(error!), Does.Contain("Worker:ResultLayout").And.Contain("bundle"));
    }

    [Test]
    public void StartupProblem_OurOwnInvalidOperation_IsABugThatKeepsItsStackTrace()
    {
        Assert.Multiple(() =>
        {
            Assert.That(WorkerHost.StartupProblem(Thrown(new InvalidOperationException("the engine is not warmed up yet"))), Is.Null);
            Assert.That(WorkerHost.StartupProblem(Thrown(new IOException("disk full"))), Is.Null);
            Assert.That(
                WorkerHost.StartupProblem(new AggregateException(new PipelineSetupException("fixable"), Thrown(new InvalidOperationException("bug")))),
                Is.Null);
        });
    }

    /// <summary>The exception as it reaches start-up: thrown here, so its source is this assembly.</summary>
    private static Exception Thrown(Exception exception)
    {
        try
        {
            throw exception;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
