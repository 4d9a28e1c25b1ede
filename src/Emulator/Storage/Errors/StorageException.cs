using System.Net;

namespace PullWorker.Emulator.Storage.Errors;

/// <summary>
/// A request the JSON API refuses. Thrown anywhere below an endpoint and turned into Google's error body
/// (<c>{"error":{"code","message","errors":[{"domain","reason","message"}]}}</c>) at the top.
/// </summary>
internal sealed class StorageException(int status, string reason, string message) : Exception(message)
{
    /// <summary>The HTTP status code of the response.</summary>
    public int Status { get; } = status;

    /// <summary>Google's machine-readable reason: <c>notFound</c>, <c>conditionNotMet</c>, <c>invalid</c>, ...</summary>
    public string Reason { get; } = reason;

    public static StorageException BucketNotFound(string bucket) =>
        new((int)HttpStatusCode.NotFound, "notFound", $"The specified bucket does not exist: {bucket}");

    public static StorageException ObjectNotFound(string bucket, string name) =>
        new((int)HttpStatusCode.NotFound, "notFound", $"No such object: {bucket}/{name}");

    public static StorageException ConditionNotMet() =>
        new((int)HttpStatusCode.PreconditionFailed, "conditionNotMet",
            "At least one of the pre-conditions you specified did not hold.");

    public static StorageException NotModified() =>
        new((int)HttpStatusCode.NotModified, "notModified", "Not Modified");

    public static StorageException Invalid(string message) =>
        new((int)HttpStatusCode.BadRequest, "invalid", message);

    public static StorageException Required(string parameter) =>
        new((int)HttpStatusCode.BadRequest, "required", $"Required parameter: {parameter}");

    public static StorageException Conflict(string message) =>
        new((int)HttpStatusCode.Conflict, "conflict", message);

    /// <summary>The reason Google gives for a status, used for injected faults.</summary>
    public static string ReasonFor(int status) => status switch
    {
        400 => "invalid",
        401 => "required",
        403 => "forbidden",
        404 => "notFound",
        408 => "requestTimeout",
        409 => "conflict",
        412 => "conditionNotMet",
        429 => "rateLimitExceeded",
        503 => "backendError",
        >= 500 => "internalError",
        _ => "invalid",
    };
}
