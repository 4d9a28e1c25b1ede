using System.Text.RegularExpressions;

namespace PullWorker.Emulator.PubSub.Validation;

/// <summary>
/// Checks <c>projects/{project}/topics/{topic}</c> and <c>projects/{project}/subscriptions/{sub}</c> names
/// with the service's rules for the resource ID: 3-255 characters, starting with a letter, made of letters,
/// digits and <c>-_.~+%</c>, and not starting with <c>goog</c>. Project IDs are only required to be a
/// single non-empty segment, because emulator users pick short made-up projects.
/// </summary>
internal static partial class ResourceNames
{
    public const string Topics = "topics";
    public const string Subscriptions = "subscriptions";

    /// <summary>The name the service gives a subscription's topic once that topic is deleted.</summary>
    public const string DeletedTopic = "_deleted-topic_";

    /// <exception cref="Grpc.Core.RpcException">INVALID_ARGUMENT naming the field and the bad value.</exception>
    public static void Validate(string name, string collection, string field)
    {
        if (!IsValid(name, collection))
        {
            throw RpcErrors.InvalidArgument(
                $"Invalid [{collection}] name: ({field}={name}); expected projects/{{project}}/{collection}/{{id}} " +
                "where id is 3-255 letters, digits or -_.~+% starting with a letter and not with 'goog'.");
        }
    }

    public static bool IsValid(string name, string collection)
    {
        var parts = name.Split('/');
        return parts is ["projects", { Length: > 0 }, var kind, var id]
            && kind == collection
            && ResourceId().IsMatch(id)
            && !id.StartsWith("goog", StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9\\-_.~+%]{2,254}$", RegexOptions.CultureInvariant)]
    private static partial Regex ResourceId();
}
