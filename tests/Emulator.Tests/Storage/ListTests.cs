using System.Net;
using System.Text.Json.Nodes;

namespace PullWorker.Emulator.Tests.Storage;

public sealed class ListTests : StorageTestBase
{
    [Test]
    [CancelAfter(20_000)]
    public async Task List_25ObjectsWithMaxResults10_Returns3PagesWithEveryNameOnceInOrder(CancellationToken cancellationToken)
    {
        var names = Enumerable.Range(0, 25).Select(i => $"jobs/{i:D2}.json").ToList();
        foreach (var name in names)
        {
            await Client.PutObjectAsync(Bucket, name, [1], cancellationToken);
        }

        await Client.PutObjectAsync(Bucket, "other/outside.json", [1], cancellationToken);

        var pages = new List<List<string>>();
        string? token = null;
        do
        {
            var query = "prefix=jobs%2F&maxResults=10" + (token is null ? "" : $"&pageToken={Uri.EscapeDataString(token)}");
            var page = await Client.ListAsync(Bucket, query, cancellationToken);
            pages.Add(Names(page));
            token = page["nextPageToken"]?.GetValue<string>();
        }
        while (token is not null && pages.Count < 10);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pages.Select(page => page.Count), Is.EqualTo(new[] { 10, 10, 5 }));
            Assert.That(pages.SelectMany(page => page), Is.EqualTo(names));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task List_WithDelimiter_CollapsesFoldersIntoPrefixes(CancellationToken cancellationToken)
    {
        foreach (var name in new[] { "a/1", "a/2", "a/b/3", "c/4", "top", "d/" })
        {
            await Client.PutObjectAsync(Bucket, name, [1], cancellationToken);
        }

        var root = await Client.ListAsync(Bucket, "delimiter=%2F", cancellationToken);
        var inA = await Client.ListAsync(Bucket, "delimiter=%2F&prefix=a%2F", cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Names(root), Is.EqualTo(new[] { "top" }));
            Assert.That(Prefixes(root), Is.EqualTo(new[] { "a/", "c/", "d/" }));
            Assert.That(Names(inA), Is.EqualTo(new[] { "a/1", "a/2" }));
            Assert.That(Prefixes(inA), Is.EqualTo(new[] { "a/b/" }));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task List_WithDelimiterAndPaging_CountsPrefixesAndNeverRepeatsThem(CancellationToken cancellationToken)
    {
        foreach (var name in new[] { "a/1", "a/2", "b", "c/1", "c/2", "c/3", "d" })
        {
            await Client.PutObjectAsync(Bucket, name, [1], cancellationToken);
        }

        var entries = new List<string>();
        var pageCount = 0;
        string? token = null;
        do
        {
            var page = await Client.ListAsync(
                Bucket, "delimiter=%2F&maxResults=1" + (token is null ? "" : $"&pageToken={Uri.EscapeDataString(token)}"), cancellationToken);
            entries.AddRange(Prefixes(page).Concat(Names(page)));
            token = page["nextPageToken"]?.GetValue<string>();
            pageCount++;
        }
        while (token is not null && pageCount < 10);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(entries, Is.EqualTo(new[] { "a/", "b", "c/", "d" }));
            Assert.That(pageCount, Is.EqualTo(4));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task List_EmptyBucket_ReturnsNoItemsAndNoToken(CancellationToken cancellationToken)
    {
        var page = await Client.ListAsync(Bucket, "", cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(page["kind"]!.GetValue<string>(), Is.EqualTo("storage#objects"));
            Assert.That(page["items"], Is.Null);
            Assert.That(page["nextPageToken"], Is.Null);
        }
    }

    [TestCase("pageToken=not-a-token!")]
    [TestCase("maxResults=0")]
    [TestCase("maxResults=ten")]
    [CancelAfter(10_000)]
    public async Task List_WithBadParameter_Returns400Invalid(string query, CancellationToken cancellationToken)
    {
        using var response = await Client.Http.GetAsync($"/storage/v1/b/{Bucket}/o?{query}", cancellationToken);

        Assert.That(await StorageClient.ReadErrorReasonAsync(response, HttpStatusCode.BadRequest, cancellationToken), Is.EqualTo("invalid"));
    }

    private static List<string> Names(JsonObject page) =>
        page["items"]?.AsArray().Select(item => item!["name"]!.GetValue<string>()).ToList() ?? [];

    private static List<string> Prefixes(JsonObject page) =>
        page["prefixes"]?.AsArray().Select(prefix => prefix!.GetValue<string>()).ToList() ?? [];
}
