using System.Reflection;
using PullWorker.Inference;
using PullWorker.Jobs;
using PullWorker.Worker.Hosting;

namespace PullWorker.Worker.Tests.Architecture;

/// <summary>
/// The parts know only what docs/architecture.md says they may: the contract no transport or runtime, the engine
/// neither Pub/Sub nor Cloud Storage (Google.Protobuf it uses for ONNX models), and the daemon (all the image holds) neither the tools nor the emulator.
/// </summary>
[TestFixture]
public sealed class ProjectBoundaryTests
{
    private static readonly (Assembly Part, string[] Forbidden)[] Boundaries =
    [
        (typeof(JobId).Assembly, ["Google.", "Grpc.", "Microsoft.ML.OnnxRuntime", "PullWorker."]),
        (typeof(InferenceEngine).Assembly, ["Google.Cloud.", "Google.Api", "Grpc.", "PullWorker.Worker", "PullWorker.Tools", "PullWorker.Emulator"]),
        (typeof(WorkerHost).Assembly, ["PullWorker.Tools", "PullWorker.Emulator", "Spectre.Console", "System.CommandLine"]),
    ];

    [Test]
    public void EachPart_ReferencesNothingItMustNotKnow()
    {
        var breaches = Boundaries
            .SelectMany(boundary => boundary.Part.GetReferencedAssemblies()
                .Where(reference => boundary.Forbidden.Any(prefix => reference.Name!.StartsWith(prefix, StringComparison.Ordinal)))
                .Select(reference => $"{boundary.Part.GetName().Name} -> {reference.Name}"))
            .ToList();

        Assert.Multiple(() =>
        {
            Assert.That(typeof(WorkerHost).Assembly.GetReferencedAssemblies().Select(r => r.Name), Does.Contain("PullWorker.Inference"), "the references were read");
            Assert.That(breaches, Is.Empty);
        });
    }
}
