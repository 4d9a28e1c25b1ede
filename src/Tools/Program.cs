using PullWorker.Tools;

return await PullWorkerCli.RunAsync(args);
