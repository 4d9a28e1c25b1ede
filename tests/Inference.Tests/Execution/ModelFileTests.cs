using System.Security.Cryptography;
using PullWorker.Inference.Execution;

namespace PullWorker.Inference.Tests.Execution;

/// <summary>A model's hash and size cover its external weight files, so new weights under the same graph are a new model.</summary>
[TestFixture]
public sealed class ModelFileTests
{
    private string _directory = string.Empty;
    private string _model = string.Empty;

    [SetUp]
    public void WriteModel()
    {
        _directory = Directory.CreateTempSubdirectory("pullworker-modelfile-").FullName;
        _model = Path.Combine(_directory, "model.onnx");
        File.WriteAllBytes(_model, [1, 2, 3]);
        // Neither extends the model's name: another model, and a file that only shares its stem.
        File.WriteAllBytes(Path.Combine(_directory, "other.onnx"), [9]);
        File.WriteAllBytes(Path.Combine(_directory, "model.txt"), [9]);
    }

    [TearDown]
    public void DeleteModel() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void HashOf_NoWeightFiles_IsTheFilesOwnSha256()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ModelFile.HashOf(_model), Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(new byte[] { 1, 2, 3 }))));
            Assert.That(ModelFile.SizeOf(_model), Is.EqualTo(3));
        });
    }

    [Test]
    public void HashOf_WeightFileReplaced_ChangesWhileTheGraphStaysTheSame()
    {
        var weights = Path.Combine(_directory, "model.onnx_data");
        File.WriteAllBytes(weights, [10, 20]);
        var first = ModelFile.HashOf(_model);
        File.WriteAllBytes(weights, [10, 21]);
        var second = ModelFile.HashOf(_model);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.Not.EqualTo(Convert.ToHexStringLower(SHA256.HashData(new byte[] { 1, 2, 3 }))));
            Assert.That(second, Is.Not.EqualTo(first));
            Assert.That(ModelFile.SizeOf(_model), Is.EqualTo(5));
        });
    }
}
