using Google.Cloud.PubSub.V1;
using Grpc.Core;

namespace PullWorker.Emulator.Tests.PubSub;

/// <summary>A client's side of one StreamingPull call, with reads that fail the test instead of hanging.</summary>
internal sealed class StreamingPullProbe(AsyncDuplexStreamingCall<StreamingPullRequest, StreamingPullResponse> call) : IDisposable
{
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The next response; fails if the stream ends or nothing arrives within <see cref="ReadTimeout"/>.</summary>
    public async Task<StreamingPullResponse> ReadAsync(CancellationToken cancellationToken)
    {
        var hasNext = await call.ResponseStream.MoveNext(cancellationToken).WaitAsync(ReadTimeout, cancellationToken);
        return hasNext ? call.ResponseStream.Current : throw new AssertionException("The stream ended instead of delivering.");
    }

    /// <summary>Reads until <paramref name="count"/> messages arrived.</summary>
    public async Task<List<ReceivedMessage>> ReadMessagesAsync(int count, CancellationToken cancellationToken)
    {
        var messages = new List<ReceivedMessage>();
        while (messages.Count < count)
        {
            messages.AddRange((await ReadAsync(cancellationToken)).ReceivedMessages);
        }

        return messages;
    }

    public Task WriteAsync(StreamingPullRequest request, CancellationToken cancellationToken) =>
        call.RequestStream.WriteAsync(request, cancellationToken);

    public Task AckAsync(IEnumerable<ReceivedMessage> messages, CancellationToken cancellationToken)
    {
        var request = new StreamingPullRequest();
        request.AckIds.AddRange(messages.Select(message => message.AckId));
        return WriteAsync(request, cancellationToken);
    }

    /// <summary>The status the server ended the stream with (reading past any remaining responses).</summary>
    public async Task<StatusCode> ReadEndStatusAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await call.ResponseStream.MoveNext(cancellationToken).WaitAsync(ReadTimeout, cancellationToken))
            {
            }

            return StatusCode.OK;
        }
        catch (RpcException ended)
        {
            TestContext.Out.WriteLine($"stream ended: {ended.Status}");
            return ended.StatusCode;
        }
    }

    /// <summary>Half-closes the call: the client will send nothing more but keeps reading.</summary>
    public Task HalfCloseAsync() => call.RequestStream.CompleteAsync();

    /// <summary>Every message still delivered, and the status the stream then ended with.</summary>
    public async Task<(int Messages, StatusCode Status)> ReadToEndAsync(CancellationToken cancellationToken)
    {
        var messages = 0;
        try
        {
            while (await call.ResponseStream.MoveNext(cancellationToken).WaitAsync(ReadTimeout, cancellationToken))
            {
                messages += call.ResponseStream.Current.ReceivedMessages.Count;
            }

            return (messages, StatusCode.OK);
        }
        catch (RpcException ended)
        {
            return (messages, ended.StatusCode);
        }
    }

    public void Dispose() => call.Dispose();
}
