using PullWorker.Emulator;

EmulatorOptions options;
try
{
    options = EmulatorOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"emulator: {e.Message}");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });

await using var emulator = await EmulatorServer.StartAsync(options, stop.Token);
Console.WriteLine($"export PUBSUB_EMULATOR_HOST={emulator.PubSubEmulatorHost}");
Console.WriteLine($"export STORAGE_EMULATOR_HOST={emulator.StorageEmulatorHost}");
Console.Error.WriteLine("emulator: serving Pub/Sub and Cloud Storage until Ctrl-C");
await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
return 0;
