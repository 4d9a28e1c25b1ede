using System.Globalization;
using PullWorker.Emulator.Storage.Errors;
using PullWorker.Emulator.Storage.Http;
using PullWorker.Emulator.Storage.Store;

namespace PullWorker.Emulator.Storage.Endpoints;

/// <summary><c>objects.get</c> (metadata), <c>objects.list</c> and <c>objects.delete</c>.</summary>
internal sealed class ObjectEndpoints(StorageCatalog catalog)
{
    public Task GetAsync(HttpContext context, string bucket, string name)
    {
        var request = context.Request;
        var entry = catalog.GetObject(bucket, name, request.OptionalLong("generation"), request.ReadPreconditions());
        return context.Response.WriteJsonAsync(
            StatusCodes.Status200OK, ObjectResource.From(entry, request.BaseUrl()), context.RequestAborted);
    }

    public Task ListAsync(HttpContext context, string bucket)
    {
        var request = context.Request;
        var maxResults = request.OptionalLong("maxResults") ?? ListQuery.MaxPageSize;
        if (maxResults < 1)
        {
            throw StorageException.Invalid(
                $"Invalid value for maxResults: {maxResults.ToString(CultureInfo.InvariantCulture)}; it must be at least 1.");
        }

        var query = new ListQuery(
            request.OptionalString("prefix") ?? "",
            request.OptionalString("delimiter"),
            (int)Math.Min(maxResults, ListQuery.MaxPageSize),
            request.OptionalString("pageToken"));
        return context.Response.WriteJsonAsync(
            StatusCodes.Status200OK, ObjectListResource.From(catalog.List(bucket, query), request.BaseUrl()),
            context.RequestAborted);
    }

    public Task DeleteAsync(HttpContext context, string bucket, string name)
    {
        var request = context.Request;
        catalog.DeleteObject(bucket, name, request.OptionalLong("generation"), request.ReadPreconditions());
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }
}
