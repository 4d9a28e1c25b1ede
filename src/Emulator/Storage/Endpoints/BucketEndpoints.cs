using PullWorker.Emulator.Storage.Errors;
using PullWorker.Emulator.Storage.Http;
using PullWorker.Emulator.Storage.Store;

namespace PullWorker.Emulator.Storage.Endpoints;

/// <summary><c>buckets.insert</c>, <c>buckets.get</c>, <c>buckets.list</c> and <c>buckets.testIamPermissions</c>.</summary>
internal sealed class BucketEndpoints(StorageCatalog catalog)
{
    public async Task InsertAsync(HttpContext context)
    {
        var request = context.Request;
        var project = request.OptionalString("project") ?? throw StorageException.Required("project");
        var body = StorageJson.ParseJson<BucketInsertRequest>(await request.ReadBodyAsync(context.RequestAborted));
        var name = body?.Name ?? throw StorageException.Required("resource.name");
        if (!catalog.CreateBucket(name, project))
        {
            throw StorageException.Conflict(
                "Your previous request to create the named bucket succeeded and you already own it.");
        }

        await context.Response.WriteJsonAsync(
            StatusCodes.Status200OK, BucketResource.From(catalog.GetBucket(name), request.BaseUrl()), context.RequestAborted);
    }

    public Task GetAsync(HttpContext context, string bucket) =>
        context.Response.WriteJsonAsync(
            StatusCodes.Status200OK, BucketResource.From(catalog.GetBucket(bucket), context.Request.BaseUrl()),
            context.RequestAborted);

    /// <summary>
    /// The emulator has no identities: every permission asked about an existing bucket is granted, as for an
    /// owner; a missing bucket is 404, as with Google.
    /// </summary>
    public Task TestPermissionsAsync(HttpContext context, string bucket)
    {
        _ = catalog.GetBucket(bucket);
        var permissions = context.Request.Query["permissions"].Where(p => !string.IsNullOrEmpty(p)).Select(p => p!).ToList();
        if (permissions.Count == 0)
        {
            throw StorageException.Required("permissions");
        }

        return context.Response.WriteJsonAsync(
            StatusCodes.Status200OK, new TestPermissionsResource("storage#testIamPermissionsResponse", permissions), context.RequestAborted);
    }

    public Task ListAsync(HttpContext context)
    {
        var project = context.Request.OptionalString("project") ?? throw StorageException.Required("project");
        var buckets = catalog.Buckets
            .Where(bucket => bucket.Project == project)
            .Select(bucket => BucketResource.From(bucket, context.Request.BaseUrl()))
            .ToList();
        return context.Response.WriteJsonAsync(
            StatusCodes.Status200OK, new BucketListResource("storage#buckets", buckets.Count == 0 ? null : buckets),
            context.RequestAborted);
    }
}
