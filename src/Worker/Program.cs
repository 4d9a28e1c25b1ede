using PullWorker.Worker.Hosting;

// The daemon. Settings come from appsettings.json, environment variables (Section__Key) and
// --Section:Key=value arguments (docs/configuration.md).
return await WorkerHost.RunAsync(args);
