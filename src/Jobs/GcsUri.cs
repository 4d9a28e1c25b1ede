using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace PullWorker.Jobs;

/// <summary>
/// A <c>gs://bucket/object</c> address. The object name may be empty, in which case the URI names a bucket or,
/// with a trailing <c>/</c>, a prefix (<c>gs://bucket/results/</c>). Bucket and object names are checked against
/// Cloud Storage's naming rules, so a request built from a <see cref="GcsUri"/> cannot be malformed.
/// </summary>
public sealed record GcsUri
{
    public const string Scheme = "gs://";
    private const int MaxObjectNameBytes = 1024;

    /// <exception cref="ArgumentException">The bucket or object name breaks a naming rule.</exception>
    public GcsUri(string bucket, string objectName)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        ArgumentNullException.ThrowIfNull(objectName);
        var problem = BucketNameProblem(bucket) ?? ObjectNameProblem(objectName);
        if (problem is not null)
        {
            throw new ArgumentException($"'{Format(bucket, objectName)}': {problem}");
        }

        Bucket = bucket;
        ObjectName = objectName;
    }

    public string Bucket { get; }

    public string ObjectName { get; }

    /// <exception cref="FormatException">Not a <c>gs://</c> URI or a naming rule is broken; the message says which.</exception>
    public static GcsUri Parse(string value) =>
        TryParse(value, out var uri, out var error) ? uri : throw new FormatException(error);

    public static bool TryParse(string? value, [NotNullWhen(true)] out GcsUri? uri, [NotNullWhen(false)] out string? error)
    {
        uri = null;
        if (value is null || !value.StartsWith(Scheme, StringComparison.Ordinal))
        {
            error = $"'{value}' is not a gs:// URI (expected gs://bucket/object)";
            return false;
        }

        var path = value.AsSpan(Scheme.Length);
        var slash = path.IndexOf('/');
        var bucket = (slash < 0 ? path : path[..slash]).ToString();
        var objectName = slash < 0 ? string.Empty : path[(slash + 1)..].ToString();
        error = BucketNameProblem(bucket) ?? ObjectNameProblem(objectName);
        if (error is not null)
        {
            error = $"'{value}': {error}";
            return false;
        }

        uri = new GcsUri(bucket, objectName);
        return true;
    }

    /// <summary>Why <paramref name="bucket"/> is not a valid bucket name, or null when it is.</summary>
    public static string? BucketNameProblem(string bucket)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        if (bucket.Length == 0)
        {
            return "the bucket name is empty";
        }

        if (bucket.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.')))
        {
            return $"bucket name '{bucket}' may contain only lowercase letters, digits, '-', '_' and '.'";
        }

        var maxLength = bucket.Contains('.', StringComparison.Ordinal) ? 222 : 63;
        if (bucket.Length < 3 || bucket.Length > maxLength || bucket.Split('.').Any(part => part.Length > 63))
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"bucket name '{bucket}' must be 3-63 characters (up to 222 with dots, 63 between dots), it has {bucket.Length}");
        }

        if (!char.IsAsciiLetterOrDigit(bucket[0]) || !char.IsAsciiLetterOrDigit(bucket[^1]))
        {
            return $"bucket name '{bucket}' must start and end with a letter or digit";
        }

        if (bucket.Split('.') is { Length: 4 } parts && parts.All(part => part.All(char.IsAsciiDigit)))
        {
            return $"bucket name '{bucket}' must not look like an IP address";
        }

        return bucket.StartsWith("goog", StringComparison.Ordinal) || bucket.Contains("google", StringComparison.Ordinal)
            ? $"bucket name '{bucket}' must not start with 'goog' or contain 'google'"
            : null;
    }

    public override string ToString() => Format(Bucket, ObjectName);

    private static string? ObjectNameProblem(string objectName)
    {
        if (Encoding.UTF8.GetByteCount(objectName) > MaxObjectNameBytes)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the object name is longer than {MaxObjectNameBytes} bytes of UTF-8");
        }

        if (objectName.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            return "the object name contains a carriage return or line feed";
        }

        return objectName is "." or ".." || objectName.StartsWith(".well-known/acme-challenge/", StringComparison.Ordinal)
            ? $"'{objectName}' is not an allowed object name"
            : null;
    }

    private static string Format(string bucket, string objectName) =>
        objectName.Length == 0 ? $"{Scheme}{bucket}" : $"{Scheme}{bucket}/{objectName}";
}
