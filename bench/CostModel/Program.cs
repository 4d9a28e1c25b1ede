using PullWorker.CostModel.Inputs;
using PullWorker.CostModel.Reporting;

// Prints the cost model's tables for the deployment in infra/ (docs/cost-model.md explains them).
CostModelOptions? options;
try
{
    options = CommandLine.Parse(args);
}
catch (ArgumentException error)
{
    Console.Error.WriteLine($"Invalid input: {error.Message}");
    return 2;
}

if (options is null)
{
    Console.WriteLine(CommandLine.Help());
    return 0;
}

Report.Write(Console.Out, options);
return 0;
