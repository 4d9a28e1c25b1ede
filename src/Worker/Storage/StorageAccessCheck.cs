using System.Globalization;
using Google.Cloud.Storage.V1;

namespace PullWorker.Worker.Storage;

/// <summary>
/// Start-up check of what a user gets wrong in the buckets: the results bucket must exist and let this identity
/// create objects, each input bucket must let it read them. Asks Cloud Storage with
/// <c>testIamPermissions</c>, which needs no role of its own. A failure is one line naming the key and the bucket;
/// without this check a typo in a bucket name starts fine and then fails every job.
/// </summary>
public sealed class StorageAccessCheck(StorageClient client, StorageOptions options)
{
    public const string CreatePermission = "storage.objects.create";
    public const string ReadPermission = "storage.objects.get";

    /// <exception cref="StorageSetupException">A bucket is missing or not usable; the message names its key.</exception>
    public async Task VerifyAsync(string resultsKey, string resultsBucket, string inputBucketsKey, IReadOnlyList<string> inputBuckets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputBuckets);
        await RequireAsync(resultsKey, resultsBucket, CreatePermission, cancellationToken);
        for (var i = 0; i < inputBuckets.Count; i++)
        {
            await RequireAsync(string.Create(CultureInfo.InvariantCulture, $"{inputBucketsKey}:{i}"), inputBuckets[i], ReadPermission, cancellationToken);
        }
    }

    private async Task RequireAsync(string key, string bucket, string permission, CancellationToken cancellationToken)
    {
        IList<string> granted;
        try
        {
            granted = await client.TestBucketIamPermissionsAsync(
                bucket, [permission], new TestBucketIamPermissionsOptions { RetryOptions = options.IdempotentRetries() }, cancellationToken);
        }
        catch (Exception e) when (StorageErrors.IsNotFound(e))
        {
            throw new StorageSetupException($"{key}: bucket '{bucket}' does not exist", e);
        }
        catch (Exception e) when (StorageErrors.IsForbidden(e))
        {
            throw new StorageSetupException($"{key}: bucket '{bucket}' refused this identity ({e.Message})", e);
        }
        catch (Exception e) when (StorageErrors.IsTransient(e))
        {
            // Retried already (Storage:RetryAttempts): a wrong STORAGE_EMULATOR_HOST, no route, or an outage.
            throw new StorageSetupException($"{key}: cannot reach Cloud Storage to check bucket '{bucket}' ({e.Message})", e);
        }

        if (granted is null || !granted.Contains(permission))
        {
            throw new StorageSetupException($"{key}: this identity lacks {permission} on bucket '{bucket}'");
        }
    }
}
