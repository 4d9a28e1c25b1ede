using PullWorker.Worker.Hosting;

return await WorkerHost.RunAsync(args);
