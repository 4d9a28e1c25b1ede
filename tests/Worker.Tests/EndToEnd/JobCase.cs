using Google.Cloud.PubSub.V1;
using PullWorker.Jobs;

namespace PullWorker.Worker.Tests.EndToEnd;

/// <summary>One input tensor of a reference run, batch dimension included.</summary>
internal sealed record ReferenceInput(string Name, Array Data, long[] Shape);

/// <summary>
/// One published job and what its result must be: either an error code, or the outputs a direct run of the model
/// on <see cref="Inputs"/> gives. <see cref="Id"/> null means the result is named by the Pub/Sub message ID.
/// </summary>
internal sealed record JobCase(PubsubMessage Message, string? Id, JobErrorCode? Error, IReadOnlyList<ReferenceInput>? Inputs)
{
    public static JobCase Ok(PubsubMessage message, string? id, params ReferenceInput[] inputs) => new(message, id, null, inputs);

    public static JobCase Failing(PubsubMessage message, string? id, JobErrorCode error) => new(message, id, error, null);
}
