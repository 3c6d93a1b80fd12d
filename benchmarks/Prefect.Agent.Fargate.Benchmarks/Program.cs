using Prefect.Agent.Fargate.Benchmarks.Load;
using Prefect.Agent.Fargate.Benchmarks.Micro;

// dotnet run -c Release --project benchmarks/Prefect.Agent.Fargate.Benchmarks -- load | watch | micro  (benchmarks/README.md)
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
            try
            {
                return await LoadCommand.RunAsync(args[1..], cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FileNotFoundException or FormatException)
            {
                Console.Error.WriteLine("error: " + ex.Message);
                return 1;
            }
        }

    case "watch":
        using (var cts = new CancellationTokenSource())
        {
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                cts.Cancel();
            };
            try
            {
                return await WatchCommand.RunAsync(args[1..], cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FileNotFoundException or FormatException)
            {
                Console.Error.WriteLine("error: " + ex.Message);
                return 1;
            }
        }

    case "micro":
        return MicroCommand.Run(args[1..]);
    default:
        Console.Error.WriteLine("usage: " + LoadCommand.Usage);
        Console.Error.WriteLine("       " + WatchCommand.Usage);
        Console.Error.WriteLine("       micro [--full] [BenchmarkDotNet arguments, e.g. --filter *Kwargs*]");
        return 2;
}
