using Prefect.Agent.Fargate.Benchmarks.Load;
using Prefect.Agent.Fargate.Benchmarks.Micro;

// dotnet run -c Release --project benchmarks/Prefect.Agent.Fargate.Benchmarks -- load | micro  (benchmarks/README.md)
switch (args.FirstOrDefault())
{
    case "load":
        using (var cts = new CancellationTokenSource())
        {
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                cts.Cancel();
            };
            return await LoadCommand.RunAsync(args[1..], cts.Token).ConfigureAwait(false);
        }

    case "micro":
        return MicroCommand.Run(args[1..]);
    default:
        Console.Error.WriteLine("usage: " + LoadCommand.Usage);
        Console.Error.WriteLine("       micro [--full] [BenchmarkDotNet arguments, e.g. --filter *Kwargs*]");
        return 2;
}
