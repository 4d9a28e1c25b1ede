using System.Net;
using System.Text;
using PullWorker.Emulator.Storage;

namespace PullWorker.Emulator.Tests.Storage;

/// <summary>With a storage directory, objects are plain files (folders for '/') and survive a restart.</summary>
public sealed class DiskModeTests
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory() =>
        _directory = Directory.CreateTempSubdirectory("storage-emulator-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    [CancelAfter(20_000)]
    public async Task Upload_WritesObjectAsPlainFileUnderBucketFolder(CancellationToken cancellationToken)
    {
        var data = Encoding.UTF8.GetBytes("{\"status\":\"ok\"}");
        await using (var emulator = await StartAsync(cancellationToken))
        {
            using var client = StorageClient.For(emulator.EmulatorHost);
            await client.CreateBucketAsync("results", cancellationToken);
            await client.PutObjectAsync("results", "batch-1/img-17.json", data, cancellationToken, "application/json");
        }

        var file = Path.Combine(_directory, "results", "batch-1", "img-17.json");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(File.Exists(file), Is.True, $"expected {file}");
            Assert.That(await File.ReadAllBytesAsync(file, cancellationToken), Is.EqualTo(data));
            Assert.That(Directory.GetFiles(Path.Combine(_directory, "results"), "*", SearchOption.AllDirectories), Has.Length.EqualTo(1),
                "metadata must not be stored next to the data");
        }
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task Restart_OnSameDirectory_ServesTheSameObjectsAndMetadata(CancellationToken cancellationToken)
    {
        var data = StorageClient.RandomBytes(5000, seed: 9);
        string generation;
        await using (var emulator = await StartAsync(cancellationToken))
        {
            emulator.CreateBucket("kept");
            using var client = StorageClient.For(emulator.EmulatorHost);
            var created = await client.PutObjectAsync("kept", "a/b/c.bin", data, cancellationToken, "image/png");
            generation = StorageClient.Text(created, "generation");
        }

        await using var restarted = await StartAsync(cancellationToken);
        using var restartedClient = StorageClient.For(restarted.EmulatorHost);
        var found = restarted.TryGetObject("kept", "a/b/c.bin", out var obj);
        var downloaded = await restartedClient.DownloadAsync("kept", "a/b/c.bin", cancellationToken);
        var second = await restartedClient.PutObjectAsync("kept", "a/b/c.bin", [1], cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(found, Is.True);
            Assert.That(obj!.Generation.ToString(), Is.EqualTo(generation));
            Assert.That(obj.ContentType, Is.EqualTo("image/png"));
            Assert.That(downloaded, Is.EqualTo(data));
            Assert.That(long.Parse(StorageClient.Text(second, "generation")), Is.GreaterThan(long.Parse(generation)));
        }
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task FilePlacedByHand_AppearsAfterRestartWithTypeFromExtension(CancellationToken cancellationToken)
    {
        await using (var emulator = await StartAsync(cancellationToken))
        {
            emulator.CreateBucket("inputs");
        }

        Directory.CreateDirectory(Path.Combine(_directory, "inputs", "images"));
        await File.WriteAllTextAsync(Path.Combine(_directory, "inputs", "images", "cat.json"), "{}", cancellationToken);

        await using var restarted = await StartAsync(cancellationToken);
        var listed = restarted.ListObjects("inputs");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(listed.Select(obj => obj.Name), Is.EqualTo(new[] { "images/cat.json" }));
            Assert.That(listed.Single().ContentType, Is.EqualTo("application/json"));
            Assert.That(listed.Single().Data.ToArray(), Is.EqualTo("{}"u8.ToArray()));
        }
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task Delete_RemovesFileAndEmptyFolders(CancellationToken cancellationToken)
    {
        await using var emulator = await StartAsync(cancellationToken);
        emulator.CreateBucket("tidy");
        using var client = StorageClient.For(emulator.EmulatorHost);
        await client.PutObjectAsync("tidy", "deep/er/file.txt", [1], cancellationToken);

        using var delete = await client.Http.DeleteAsync("/storage/v1/b/tidy/o/deep%2Fer%2Ffile.txt", cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(Directory.Exists(Path.Combine(_directory, "tidy", "deep")), Is.False);
            Assert.That(Directory.Exists(Path.Combine(_directory, "tidy")), Is.True);
        }
    }

    [TestCase("taken", "taken/child")]
    [TestCase("parent/child", "parent")]
    [TestCase("x", "x//y")]
    [TestCase("x", "folder/")]
    [CancelAfter(20_000)]
    public async Task Upload_NameThatCannotBeAFile_Returns400AndLeavesOthersIntact(
        string existing, string conflicting, CancellationToken cancellationToken)
    {
        await using var emulator = await StartAsync(cancellationToken);
        emulator.CreateBucket("clash");
        using var client = StorageClient.For(emulator.EmulatorHost);
        await client.PutObjectAsync("clash", existing, [1], cancellationToken);

        using var response = await client.UploadMediaAsync("clash", conflicting, [2], cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await StorageClient.ReadErrorReasonAsync(response, HttpStatusCode.BadRequest, cancellationToken), Is.EqualTo("invalid"));
            Assert.That(emulator.ListObjects("clash").Select(obj => obj.Name), Is.EqualTo(new[] { existing }));
        }
    }

    private Task<StorageEmulator> StartAsync(CancellationToken cancellationToken) =>
        StorageEmulator.StartAsync(EmulatorOptions.DynamicPorts with { StorageDirectory = _directory }, cancellationToken);
}
