using PullWorker.PubSub.Bench;

// Receives and acks N small messages through the in-process emulator with our subscriber and with the
// official Node subscriber, and prints both rates. Usage: dotnet run -c Release --project bench/PubSub.Bench [-- N]
var count = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 200_000;
using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
return await SubscriberBenchmark.RunAsync(count, timeout.Token);
