using PullWorker.PubSub.Names;

namespace PullWorker.PubSub.Tests.Names;

public class NameParsingTests
{
    [Test]
    public void SubscriptionName_WellFormed_ParsesParts()
    {
        var name = SubscriptionName.Parse("projects/my-project/subscriptions/jobs-sub");

        Assert.Multiple(() =>
        {
            Assert.That(name.ProjectId, Is.EqualTo("my-project"));
            Assert.That(name.SubscriptionId, Is.EqualTo("jobs-sub"));
            Assert.That(name.ToString(), Is.EqualTo("projects/my-project/subscriptions/jobs-sub"));
        });
    }

    [TestCase("", "empty")]
    [TestCase("jobs-sub", "expected the form projects/my-project/subscriptions/my-subscription")]
    [TestCase("projects/my-project/topics/jobs", "is not a subscription name")]
    [TestCase("projects/My_Project/subscriptions/jobs", "invalid project ID 'My_Project'")]
    [TestCase("projects/my-project/subscriptions/1jobs", "invalid subscription ID '1jobs'")]
    [TestCase("projects/my-project/subscriptions/googjobs", "not with 'goog'")]
    [TestCase("projects/my-project/subscriptions/jobs/extra", "is not a subscription name")]
    public void SubscriptionName_Malformed_ThrowsSayingWhy(string input, string expected)
    {
        var error = Assert.Throws<FormatException>(() => SubscriptionName.Parse(input));

        Assert.That(error.Message, Does.Contain(expected));
    }

    [Test]
    public void TopicName_WellFormed_RoundTrips()
    {
        var name = TopicName.Parse("projects/example.com:proj-1/topics/jobs.v1~x");

        Assert.That(name.ToString(), Is.EqualTo("projects/example.com:proj-1/topics/jobs.v1~x"));
    }

    [Test]
    public void TopicName_SubscriptionGiven_ThrowsNamingTopicForm()
    {
        var error = Assert.Throws<FormatException>(() => TopicName.Parse("projects/p-12345/subscriptions/s"));

        Assert.That(error.Message, Does.Contain("projects/my-project/topics/my-topic"));
    }
}
