using System.Text.RegularExpressions;
using System.Xml.Linq;
using PullWorker.Deployment.Tests.Infrastructure;

namespace PullWorker.Deployment.Tests;

/// <summary>Static checks of the worker image's Dockerfile (there is no Docker engine here).</summary>
public sealed partial class DockerfileTests
{
    private static readonly Dockerfile Image = Dockerfile.Load(RepositoryPaths.InRoot("Dockerfile"));

    [Test]
    public void Build_IsMultiStage_WithTheAppCopiedFromTheBuildStage()
    {
        var copies = Image.Final.All("COPY").ToList();

        Assert.Multiple(() =>
        {
            Assert.That(Image.Stages, Has.Count.GreaterThanOrEqualTo(2));
            Assert.That(Image.Stages[0].Image, Does.StartWith("mcr.microsoft.com/dotnet/sdk:"));
            Assert.That(copies, Does.Contain("--from=build /app /app"));
            Assert.That(copies.Where(c => !c.StartsWith("--from=", StringComparison.Ordinal)), Is.Empty,
                "the final stage copies nothing from the build context: only the published app and the runtime");
        });
    }

    [Test]
    public void Publish_UsesTheGpuFlavourOfOnnxRuntime()
    {
        var publish = Image.Stages[0].All("RUN").Single(r => r.Contains("dotnet publish", StringComparison.Ordinal));

        Assert.Multiple(() =>
        {
            Assert.That(publish, Does.Contain("dotnet publish src/Worker -c Release"));
            Assert.That(publish, Does.Contain("-p:OnnxRuntimeFlavor=Gpu"));
            Assert.That(publish, Does.Contain("-o /app"));
        });
    }

    [Test]
    public void FinalStage_RunsAsNonRootAndStopsOnSigterm()
    {
        var user = Image.Final.All("USER").LastOrDefault();

        Assert.Multiple(() =>
        {
            Assert.That(user, Is.Not.Null, "the final stage sets USER");
            Assert.That(user!.Split(':')[0], Is.Not.AnyOf("root", "0"));
            Assert.That(Image.Final.All("STOPSIGNAL").SingleOrDefault(), Is.EqualTo("SIGTERM"));
            Assert.That(Image.Final.All("ENTRYPOINT").Single(), Is.EqualTo("""["dotnet", "/app/PullWorker.Worker.dll"]"""));
        });
    }

    [Test]
    public void RuntimeSource_MatchesTheWorkersSdk()
    {
        // A Microsoft.NET.Sdk.Web project needs the ASP.NET Core shared framework, not just .NET's.
        var sdk = XDocument.Load(RepositoryPaths.InRoot("src/Worker/Worker.csproj")).Root!.Attribute("Sdk")!.Value;
        var runtime = Image.Stages.Single(s => s.Name == "dotnet-runtime").Image;

        Assert.That(runtime, Does.StartWith(sdk == "Microsoft.NET.Sdk.Web"
            ? "mcr.microsoft.com/dotnet/aspnet:10.0"
            : "mcr.microsoft.com/dotnet/runtime:10.0"));
    }

    [Test]
    public void CudaBase_MatchesTheCudaMajorDocumentedForTheOnnxRuntimeInUse()
    {
        var documented = DocumentedVersions();
        var cuda = CudaImagePattern().Match(Image.Final.Image);
        var ortVersion = XDocument.Load(RepositoryPaths.InRoot("Directory.Packages.props"))
            .Descendants("PackageVersion")
            .Single(p => (string?)p.Attribute("Include") == "Microsoft.ML.OnnxRuntime.Gpu.Linux")
            .Attribute("Version")!.Value;

        Assert.Multiple(() =>
        {
            Assert.That(cuda.Success, Is.True, $"final stage image '{Image.Final.Image}' is not nvidia/cuda:X.Y.Z-cudnn*-runtime-*");
            Assert.That(cuda.Groups["major"].Value, Is.EqualTo(documented.CudaMajor), "CUDA major of the base image vs infra/README.md");
            Assert.That(ortVersion, Does.StartWith(documented.OnnxRuntime + "."),
                "Directory.Packages.props moved ONNX Runtime: re-check its CUDA major and update infra/README.md and the Dockerfile");
        });
    }

    [Test]
    public void Model_IsNotBakedIntoTheImage()
    {
        var instructions = Image.Stages.SelectMany(s => s.Instructions).Where(i => i.Keyword is "COPY" or "ADD").ToList();
        var dockerignore = File.ReadAllLines(RepositoryPaths.InRoot(".dockerignore"));

        Assert.Multiple(() =>
        {
            Assert.That(instructions.Where(i => i.Arguments.Contains(".onnx", StringComparison.OrdinalIgnoreCase)
                                                || i.Arguments.Contains("model", StringComparison.OrdinalIgnoreCase)
                                                || i.Arguments.Contains("://", StringComparison.Ordinal)), Is.Empty);
            Assert.That(dockerignore, Does.Contain("**/*.onnx"));
            Assert.That(dockerignore, Does.Contain("*"), ".dockerignore is an allow-list");
        });
    }

    private static (string OnnxRuntime, string CudaMajor) DocumentedVersions()
    {
        // infra/README.md states the pairing in one table row: | ONNX Runtime | 1.32 | CUDA 13.x | cuDNN 9.x |
        var readme = File.ReadAllText(RepositoryPaths.InRoot("infra/README.md"));
        var row = DocumentedRowPattern().Match(readme);
        Assert.That(row.Success, Is.True, "infra/README.md has no '| ONNX Runtime | X.Y | CUDA N.x | cuDNN N.x |' row");
        return (row.Groups["ort"].Value, row.Groups["cuda"].Value);
    }

    [GeneratedRegex(@"^nvidia/cuda:(?<major>\d+)\.\d+\.\d+-cudnn\d*-runtime-ubuntu\d+\.\d+$")]
    private static partial Regex CudaImagePattern();

    [GeneratedRegex(@"\|\s*ONNX Runtime\s*\|\s*(?<ort>\d+\.\d+)\s*\|\s*CUDA (?<cuda>\d+)\.x\s*\|\s*cuDNN \d+\.x\s*\|")]
    private static partial Regex DocumentedRowPattern();
}
