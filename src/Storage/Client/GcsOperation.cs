namespace PullWorker.Storage.Client;

/// <summary>What a request does, in the words an error message needs: the action, the IAM permission, the target.</summary>
internal sealed record GcsOperation(string Action, string Permission, string Bucket, string? ObjectName)
{
    public static GcsOperation Create(GcsUri uri) => new("upload", "storage.objects.create", uri.Bucket, uri.ObjectName);

    public static GcsOperation Get(GcsUri uri) => new("read", "storage.objects.get", uri.Bucket, uri.ObjectName);

    public static GcsOperation Delete(GcsUri uri) => new("delete", "storage.objects.delete", uri.Bucket, uri.ObjectName);

    public static GcsOperation List(string bucket, string prefix) => new("list", "storage.objects.list", bucket, prefix);

    public string Target => Permission == "storage.objects.list"
        ? $"gs://{Bucket}/{ObjectName}*"
        : $"gs://{Bucket}/{ObjectName}";
}
