using Grpc.Core;
using PullWorker.PubSub.Connection;

namespace PullWorker.PubSub.Tests.Connection;

public class ErrorDescriptionTests
{
    [Test]
    public void ErrorInfo_FromStatus_ReadsReasonAndMetadata()
    {
        var bytes = ErrorInfoEncoding.Status(StatusCode.InvalidArgument, "EXACTLY_ONCE_ACKID_FAILURE", ("ack-1", "PERMANENT_FAILURE_INVALID_ACK_ID"));

        var info = ErrorInfo.FromStatus(bytes);

        Assert.Multiple(() =>
        {
            Assert.That(info?.Reason, Is.EqualTo("EXACTLY_ONCE_ACKID_FAILURE"));
            Assert.That(info?.Domain, Is.EqualTo("pubsub.googleapis.com"));
            Assert.That(info?.Metadata, Is.EqualTo(new Dictionary<string, string> { ["ack-1"] = "PERMANENT_FAILURE_INVALID_ACK_ID" }));
        });
    }

    [Test]
    public void Describe_PermissionDeniedNamingPermission_SaysIdentityAndPermission()
    {
        var trailers = new Metadata
        {
            { ErrorInfo.StatusDetailsTrailer, ErrorInfoEncoding.Status(StatusCode.PermissionDenied, "IAM_PERMISSION_DENIED", ("permission", "pubsub.subscriptions.consume")) },
        };
        var error = new RpcException(new Status(StatusCode.PermissionDenied, "User not authorized to perform this action."), trailers);

        var described = PubSubErrors.DescribeSubscriptionError(error, "projects/p-12345/subscriptions/s", "service account worker@p.iam.gserviceaccount.com");

        Assert.That(described?.Message, Does.StartWith("Service account worker@p.iam.gserviceaccount.com may not use the subscription projects/p-12345/subscriptions/s")
            .And.Contain("permission pubsub.subscriptions.consume").And.Contain("roles/pubsub.subscriber"));
    }

    [Test]
    public void Describe_NotFound_SaysWhichSubscription()
    {
        var error = new RpcException(new Status(StatusCode.NotFound, "Resource not found"));

        var described = PubSubErrors.DescribeSubscriptionError(error, "projects/p-12345/subscriptions/s", "x");

        Assert.That(described?.Message, Does.Contain("The subscription projects/p-12345/subscriptions/s does not exist"));
    }

    [Test]
    public void Describe_Unavailable_IsNotAConfigurationError()
    {
        var error = new RpcException(new Status(StatusCode.Unavailable, "try again"));

        Assert.That(PubSubErrors.DescribeSubscriptionError(error, "projects/p-12345/subscriptions/s", "x"), Is.Null);
    }
}
