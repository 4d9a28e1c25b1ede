using Microsoft.AspNetCore.Http.Features;
using PullWorker.Emulator.Storage.Endpoints;
using PullWorker.Emulator.Storage.Errors;

namespace PullWorker.Emulator.Storage.Http;

/// <summary>
/// Sends each request to its endpoint and turns every refusal into Google's error body. Routing is by
/// hand because object names are percent-encoded path tails that ASP.NET routing would decode wrongly.
/// </summary>
internal sealed partial class StorageRouter(
    BucketEndpoints buckets,
    ObjectEndpoints objects,
    MediaDownload media,
    SimpleUploads simpleUploads,
    ResumableUploads resumableUploads,
    ILogger<StorageRouter> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            await DispatchAsync(context);
        }
        catch (StorageException e) when (!context.Response.HasStarted)
        {
            await context.Response.WriteErrorAsync(e.Status, e.Reason, e.Message, context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            await context.Response.WriteErrorAsync(e.StatusCode, StorageException.ReasonFor(e.StatusCode), e.Message,
                context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away mid-request; there is nobody to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            LogUnexpected(logger, e, context.Request.Method, context.Request.Path);
            await context.Response.WriteErrorAsync(
                StatusCodes.Status500InternalServerError, "internalError", $"Emulator failure: {e.Message}",
                context.RequestAborted);
        }
    }

    private Task DispatchAsync(HttpContext context)
    {
        var request = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.ToString();
        var route = StorageRoute.Parse(rawTarget)
            ?? throw new StorageException(StatusCodes.Status404NotFound, "notFound", $"Not Found: {request.Path}");
        // Bucket is set for every target but Buckets, Object only for Object; each arm uses what its target has.
        var (bucket, name) = (route.Bucket!, route.Object!);
        return (route.Api, route.Target, request.Method) switch
        {
            (StorageApi.Json, StorageTarget.Buckets, "POST") => buckets.InsertAsync(context),
            (StorageApi.Json, StorageTarget.Buckets, "GET") => buckets.ListAsync(context),
            (StorageApi.Json, StorageTarget.Bucket, "GET") => buckets.GetAsync(context, bucket),
            (StorageApi.Json, StorageTarget.BucketPermissions, "GET") => buckets.TestPermissionsAsync(context, bucket),
            (StorageApi.Json, StorageTarget.Objects, "GET") => objects.ListAsync(context, bucket),
            (StorageApi.Json, StorageTarget.Object, "GET") when request.OptionalString("alt") == "media" =>
                media.DownloadAsync(context, bucket, name),
            (StorageApi.Json, StorageTarget.Object, "GET") => objects.GetAsync(context, bucket, name),
            (StorageApi.Json, StorageTarget.Object, "DELETE") => objects.DeleteAsync(context, bucket, name),
            (StorageApi.Download, StorageTarget.Object, "GET") => media.DownloadAsync(context, bucket, name),
            (StorageApi.Upload, StorageTarget.Objects, "POST") => UploadAsync(context, bucket),
            (StorageApi.Upload, StorageTarget.Objects, "PUT") => resumableUploads.PutAsync(context, bucket),
            (StorageApi.Upload, StorageTarget.Objects, "DELETE") => resumableUploads.CancelAsync(context, bucket),
            _ => throw new StorageException(
                StatusCodes.Status405MethodNotAllowed, "methodNotAllowed",
                $"{request.Method} is not supported on {request.Path}."),
        };
    }

    private Task UploadAsync(HttpContext context, string bucket) =>
        context.Request.OptionalString("uploadType") switch
        {
            _ when context.Request.OptionalString("upload_id") is not null => resumableUploads.PutAsync(context, bucket),
            "media" => simpleUploads.MediaAsync(context, bucket),
            "multipart" => simpleUploads.MultipartAsync(context, bucket),
            "resumable" => resumableUploads.StartAsync(context, bucket),
            null => throw StorageException.Required("uploadType"),
            var other => throw StorageException.Invalid(
                $"Invalid uploadType '{other}'; use media, multipart or resumable."),
        };

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage emulator failed on {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string path);
}
