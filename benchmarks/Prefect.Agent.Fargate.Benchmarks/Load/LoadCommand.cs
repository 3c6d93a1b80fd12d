using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace Prefect.Agent.Fargate.Benchmarks.Load;

/// <summary>
/// <c>load [--workload a|b|d|e|f|all|faults|latency] [--backend-latency MS] [--agent jit|aot|in-process|PATH] [--idle SECONDS] [--agent-env KEY=VALUE]... [--agent-arg ITEM]... [--repeat N]
/// [--timeout SECONDS] [--out DIR] [--publish]</c>.
/// </summary>
internal static class LoadCommand
{
    public const string Usage =
        "load [--workload a|b|d|e|f|all|faults|latency] [--backend-latency MS (every GraphQL answer takes this long)] [--agent jit|aot|in-process|PATH] [--idle SECONDS (default 60, 0: skip)] "
        + "[--agent-env KEY=VALUE]... [--agent-arg ITEM (e.g. ecs_rate_share=0.333)]... "
        + "[--repeat N] [--timeout SECONDS] [--out DIR] [--publish (re-publish the AOT binary)] [--validate-graphql (the fake validates every request: slower)]";

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var workloads = new List<Workload> { Workload.A, Workload.B };
        var agentChoice = "jit";
        var idle = TimeSpan.FromSeconds(60);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var agentArguments = new List<string>();
        var repeat = 1;
        var timeout = TimeSpan.FromSeconds(180);
        var output = Path.Combine(RepositoryRoot, "artifacts", "bench");
        var publish = false;
        var validateGraphQL = false;
        TimeSpan? backendLatency = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value. Usage: {Usage}");
            switch (args[i])
            {
                case "--workload":
                    workloads = Next() switch
                    {
                        "a" => [Workload.A],
                        "b" => [Workload.B],
                        "d" => [Workload.D],
                        "e" => [Workload.E],
                        "f" => [Workload.F],
                        "latency" => [Workload.A, Workload.F],
                        "all" => [Workload.A, Workload.B],
                        "faults" => [Workload.D, Workload.E],
                        "none" => [],
                        var other => throw new ArgumentException($"--workload: '{other}' is not a, b, d, e, f, all, faults, latency or none."),
                    };
                    break;
                case "--backend-latency":
                    backendLatency = TimeSpan.FromMilliseconds(double.Parse(Next(), CultureInfo.InvariantCulture));
                    break;
                case "--agent":
                    agentChoice = Next();
                    break;
                case "--idle":
                    idle = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture));
                    break;
                case "--agent-env":
                    var pair = Next();
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0)
                    {
                        throw new ArgumentException($"--agent-env: '{pair}' is not KEY=VALUE.");
                    }

                    environment[pair[..eq]] = pair[(eq + 1)..];
                    break;
                case "--agent-arg":
                    agentArguments.Add(Next());
                    break;
                case "--repeat":
                    repeat = int.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                case "--timeout":
                    timeout = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture));
                    break;
                case "--out":
                    output = Path.GetFullPath(Next());
                    break;
                case "--publish":
                    publish = true;
                    break;
                case "--validate-graphql":
                    validateGraphQL = true;
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: {Usage}");
            }
        }

        // The fake Prefect API validates every request with GraphQL.NET by default, which costs this process more CPU
        // than the agent spends; the tests cover validation, so the load runs without it unless asked.
        if (backendLatency is { } latency)
        {
            workloads = workloads.Select(w => w with { BackendLatency = latency }).ToList();
        }

        AppContext.SetSwitch("Prefect.Agent.Fargate.Testing.FakePrefectApi.IsSchemaValidationSupported", validateGraphQL);
        Directory.CreateDirectory(output);
        var agent = await ResolveAgentAsync(agentChoice, publish, cancellationToken).ConfigureAwait(false);
        Console.WriteLine(MachineInfo.Describe());
        Console.WriteLine($"agent: {agent.Description}{(environment.Count > 0 ? "; env " + string.Join(' ', environment.Select(p => p.Key + "=" + p.Value)) : string.Empty)}{(agentArguments.Count > 0 ? "; items " + string.Join(' ', agentArguments) : string.Empty)}");
        Console.WriteLine();
        var driver = new LoadDriver(agent, environment, agentArguments, output, timeout);
        var failed = false;
        for (var round = 1; round <= repeat; round++)
        {
            foreach (var workload in workloads)
            {
                var result = await driver.RunAsync(workload, cancellationToken).ConfigureAwait(false);
                failed |= !result.Completed;
                Console.WriteLine(LoadReport.Format(result));
            }

            if (idle > TimeSpan.Zero)
            {
                Console.WriteLine(LoadReport.Format(await driver.RunIdleAsync(idle, cancellationToken).ConfigureAwait(false)));
            }
        }

        return failed ? 1 : 0;
    }

    private static string RepositoryRoot => Metadata("RepositoryRoot");

    private static string Metadata(string key) =>
        typeof(LoadCommand).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == key).Value!;

    private static async Task<AgentCommand> ResolveAgentAsync(string choice, bool publish, CancellationToken cancellationToken)
    {
        switch (choice)
        {
            case "jit":
                return AgentCommand.FromPath(Metadata("AgentDll"));
            case "in-process":
                return AgentCommand.InProcess;
            case "aot":
                var directory = Path.Combine(RepositoryRoot, "artifacts", "aot");
                var binary = Path.Combine(directory, "prefect-fargate-agent");
                if (publish || !File.Exists(binary))
                {
                    await PublishAotAsync(directory, cancellationToken).ConfigureAwait(false);
                }

                return AgentCommand.FromPath(binary);
            default:
                return AgentCommand.FromPath(choice);
        }
    }

    private static async Task PublishAotAsync(string directory, CancellationToken cancellationToken)
    {
        Console.WriteLine($"Publishing the Native AOT CLI to {directory} ...");
        var info = new ProcessStartInfo("dotnet", [
            "publish", Path.Combine(RepositoryRoot, "src", "Prefect.Agent.Fargate.Cli"), "-c", "Release", "-r", "linux-x64",
            "-p:PublishAot=true", "-o", directory, "-nologo", "-v:q"])
        { UseShellExecute = false };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start dotnet publish.");
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed with exit code {process.ExitCode}.");
        }
    }
}
