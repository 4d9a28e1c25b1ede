using PullWorker.PubSub.Bench;

// Receives and acks N small messages through the in-process emulator with our subscriber and with the
// official Node subscriber, and prints both rates.
// Usage: dotnet run -c Release --project bench/PubSub.Bench [-- N [STREAMS]]
var count = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 200_000;
var streams = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : PullWorker.PubSub.Subscribing.SubscriberSettings.DefaultStreamCount;
using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
return await SubscriberBenchmark.RunAsync(count, streams, timeout.Token);
