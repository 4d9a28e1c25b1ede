using PullWorker.GpuCheck;

return await GpuCheckCommand.Create(Console.Out, Console.Error).Parse(args).InvokeAsync();
