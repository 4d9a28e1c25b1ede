using System.Text.Json;
using PullWorker.Bench.Layouts;

namespace PullWorker.Bench.Tests.Layouts;

public sealed class StageBreakdownTests
{
    private static readonly string[] Frames =
    [
        "Thread (1)",
        "System.Private.CoreLib!System.Threading.ThreadPoolWorkQueue.Dispatch()",
        "PullWorker.Jobs!PullWorker.Jobs.Parsing.JobParser.Parse(value class System.ReadOnlyMemory`1<unsigned int8>)",
        "System.Text.Json!System.Text.Json.Utf8JsonReader.Read()",
        "CPU_TIME",
        "System.Private.CoreLib!System.Threading.Monitor.Wait(class System.Object,int32)",
        "UNMANAGED_CODE_TIME",
        "Microsoft.ML.OnnxRuntime!Microsoft.ML.OnnxRuntime.InferenceSession.Run()",
        "PullWorker.Worker!PullWorker.Worker.ResultStorage.MultipartCreate.TryCreateAsync()",
        "System.Net.Http!System.Net.Http.HttpConnection.SendAsync()",
    ];

    [Test]
    public void FromSpeedscope_AttributesRunningTimeToTheInnermostKnownStageAndLeavesWaitsOut()
    {
        // 30 ms in a JSON reader under the parser, 50 ms blocked in Monitor.Wait, 20 ms in onnxruntime's native
        // code under the parser, 10 ms of managed code in HTTP under the result writer.
        (string Type, int Frame, double At)[] events =
        [
            ("O", 0, 0), ("O", 1, 0), ("O", 2, 0), ("O", 3, 0), ("O", 4, 0), ("C", 4, 30), ("C", 3, 30),
            ("O", 5, 30), ("O", 6, 30), ("C", 6, 80), ("C", 5, 80),
            ("O", 7, 80), ("O", 6, 80), ("C", 6, 100), ("C", 7, 100), ("C", 2, 100),
            ("O", 8, 100), ("O", 9, 100), ("O", 4, 100), ("C", 4, 110), ("C", 9, 110), ("C", 8, 110),
            ("C", 1, 110), ("C", 0, 110),
        ];
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"{Guid.NewGuid():N}.speedscope.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            shared = new { frames = Frames.Select(name => new { name }) },
            profiles = new[]
            {
                new { type = "evented", events = events.Select(e => new { type = e.Type, frame = e.Frame, at = e.At }) },
            },
        }));
        try
        {
            var shares = StageBreakdown.FromSpeedscope(path).ToDictionary(s => s.Stage);

            Assert.Multiple(() =>
            {
                Assert.That(shares.Keys, Is.EquivalentTo(new[] { "parse", "infer", "write" }));
                Assert.That(shares["parse"].Milliseconds, Is.EqualTo(30).Within(1e-9));
                Assert.That(shares["infer"].Milliseconds, Is.EqualTo(20).Within(1e-9));
                Assert.That(shares["write"].Milliseconds, Is.EqualTo(10).Within(1e-9));
                Assert.That(shares["parse"].Share, Is.EqualTo(0.5).Within(1e-9));
            });
        }
        finally
        {
            File.Delete(path);
        }
    }
}
