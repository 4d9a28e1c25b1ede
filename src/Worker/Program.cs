using PullWorker.Worker.Cli;

// `demo`, `submit`, `results` and `--help` are commands; anything else runs the daemon (see PullWorkerCli).
return await PullWorkerCli.RunAsync(args);
