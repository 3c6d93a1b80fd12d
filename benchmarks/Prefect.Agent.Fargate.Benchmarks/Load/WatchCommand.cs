using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Testing.Prefect;

namespace Prefect.Agent.Fargate.Benchmarks.Load;

/// <summary>
/// <c>watch [--tasks N] [--seconds S] [--agent jit|aot|PATH] [--baseline] [--out DIR]</c>: the cost of the task watch
/// (issue 12). The fakes run here, the agent (the CLI, a separate process) launches N runs whose tasks stay RUNNING and
/// whose runs stay Submitted (no flow runner), so it watches N tasks; then, over S seconds, the ECS and GraphQL calls
/// per minute (from the fakes' records), and the agent's CPU and memory (from <c>/proc</c>). <c>--baseline</c> repeats
/// it with <c>task_watch_interval=0</c> (the watch off; the reconciler still on) to show what the watch itself costs.
/// </summary>
internal static class WatchCommand
{
    public const string Usage = "watch [--tasks N (default 2000)] [--seconds S (default 60)] [--agent jit|PATH] [--baseline] [--out DIR]";

    private const string Label = "bench";

    private static readonly string[] Kwargs =
    [
        "cpu=256",
        "memory=512",
        "cluster=bench",
        "networkConfiguration={'awsvpcConfiguration': {'subnets': ['subnet-0bench'], 'securityGroups': ['sg-0bench'], 'assignPublicIp': 'ENABLED'}}",

        // Launching 2,000 runs is not what is measured: as for an account with raised quotas, no client-side pacing.
        "ecs_rate_limits=false",
    ];

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var tasks = 2000;
        var seconds = 60;
        var agentChoice = "jit";
        var baseline = false;
        var output = Path.Combine(Metadata("RepositoryRoot"), "artifacts", "bench");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--tasks":
                    tasks = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--seconds":
                    seconds = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--agent":
                    agentChoice = args[++i];
                    break;
                case "--baseline":
                    baseline = true;
                    break;
                case "--out":
                    output = args[++i];
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: {Usage}");
            }
        }

        Directory.CreateDirectory(output);
        var agent = agentChoice switch
        {
            "jit" => AgentCommand.FromPath(Metadata("AgentDll")),
            "aot" => AgentCommand.FromPath(Path.Combine(Metadata("RepositoryRoot"), "artifacts", "aot", "prefect-fargate-agent")),
            _ => AgentCommand.FromPath(agentChoice),
        };

        Console.WriteLine($"Machine: {MachineInfo.Describe()}");
        Console.WriteLine($"Agent:   {agent.Description}");
        var watched = await MeasureAsync(agent, tasks, TimeSpan.FromSeconds(seconds), watch: true, output, cancellationToken).ConfigureAwait(false);
        Console.WriteLine(watched);
        if (baseline)
        {
            var off = await MeasureAsync(agent, tasks, TimeSpan.FromSeconds(seconds), watch: false, output, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(off);
        }

        return watched.Completed ? 0 : 1;
    }

    private static async Task<WatchResult> MeasureAsync(AgentCommand agent, int tasks, TimeSpan window, bool watch, string output, CancellationToken cancellationToken)
    {
        await using var prefect = await FakePrefectApi.StartAsync(new FakePrefectApiOptions { Mode = FakePrefectBackendMode.Server }, cancellationToken).ConfigureAwait(false);
        await using var ecs = await FakeEcs.StartAsync(new FakeEcsOptions(), cancellationToken).ConfigureAwait(false);
        var scheduled = TimeProvider.System.GetUtcNow().AddSeconds(-1);
        for (var i = 0; i < tasks; i++)
        {
            var flow = i % 20;
            prefect.AddScheduledFlowRun($"bench-flow-{flow:D2}", scheduled, [Label], $"registry.example/bench/flow-{flow:D2}:1");
        }

        var logPath = Path.Combine(output, watch ? "agent-watch.log" : "agent-watch-off.log");
        string[] items = watch ? ["task_watch_interval=5", "task_watch_timeout=900"] : ["task_watch_interval=0"];
        await using var process = AgentProcess.Start(
            agent, ["start", "--api", prefect.Url.ToString(), "--label", Label, .. Kwargs, .. items], LoadDriver.AgentEnvironment(ecs, output), logPath);

        // The launches: every run gets its task (the watch follows each one from its RunTask).
        var launchStarted = Stopwatch.GetTimestamp();
        while (ecs.Requests.Count(r => r.Operation == "RunTask" && r.StatusCode == 200) < tasks && !process.HasExited
            && Stopwatch.GetElapsedTime(launchStarted) < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }

        var launch = Stopwatch.GetElapsedTime(launchStarted);

        // Settle one watch interval (the Submitted lines, the first checks), then measure the steady state.
        await Task.Delay(TimeSpan.FromSeconds(6), TimeProvider.System, cancellationToken).ConfigureAwait(false);
        var ecsBefore = Count(ecs.Requests.Select(r => r.Operation));
        var prefectBefore = Count(prefect.Requests.Select(r => r.Operation));
        var atStart = process.Read();
        var started = Stopwatch.GetTimestamp();
        long maxRss = 0;
        while (Stopwatch.GetElapsedTime(started) < window && !process.HasExited)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), TimeProvider.System, cancellationToken).ConfigureAwait(false);
            maxRss = Math.Max(maxRss, process.Read()?.RssBytes ?? 0);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var atEnd = process.Read();
        var ecsAfter = Count(ecs.Requests.Select(r => r.Operation));
        var prefectAfter = Count(prefect.Requests.Select(r => r.Operation));
        var launched = ecs.Requests.Count(r => r.Operation == "RunTask" && r.StatusCode == 200);
        var stillSubmitted = prefect.FlowRuns.Count(r => r.State == "Submitted");
        var failed = prefect.FlowRuns.Count(r => r.State == "Failed");
        await process.StopAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);

        return new WatchResult(
            watch,
            tasks,
            launched,
            stillSubmitted,
            failed,
            launch,
            elapsed,
            PerMinute(ecsBefore, ecsAfter, elapsed),
            PerMinute(prefectBefore, prefectAfter, elapsed),
            (atEnd?.CpuTime ?? TimeSpan.Zero) - (atStart?.CpuTime ?? TimeSpan.Zero),
            atEnd?.RssBytes ?? 0,
            maxRss,
            atEnd?.PeakRssBytes ?? 0);
    }

    private static Dictionary<string, int> Count(IEnumerable<string> operations) =>
        operations.GroupBy(o => o, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    private static SortedDictionary<string, double> PerMinute(Dictionary<string, int> before, Dictionary<string, int> after, TimeSpan elapsed)
    {
        var result = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (operation, count) in after)
        {
            var delta = count - before.GetValueOrDefault(operation);
            if (delta > 0)
            {
                result[operation] = delta / elapsed.TotalMinutes;
            }
        }

        return result;
    }

    private static string Metadata(string key) =>
        typeof(WatchCommand).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == key).Value!;

    private sealed record WatchResult(
        bool Watch,
        int Tasks,
        int Launched,
        int StillSubmitted,
        int Failed,
        TimeSpan Launch,
        TimeSpan Window,
        SortedDictionary<string, double> EcsPerMinute,
        SortedDictionary<string, double> GraphQLPerMinute,
        TimeSpan Cpu,
        long RssAtEnd,
        long MaxRssInWindow,
        long PeakRss)
    {
        public bool Completed => Launched >= Tasks;

        public override string ToString()
        {
            static string Calls(SortedDictionary<string, double> calls) =>
                calls.Count == 0 ? "none" : string.Join(", ", calls.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value:F1}")));

            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"== task watch {(Watch ? "on (task_watch_interval=5)" : "off (task_watch_interval=0)")}: {Tasks} runs ==");
            text.AppendLine(CultureInfo.InvariantCulture, $"launched {Launched} tasks in {Launch.TotalSeconds:F1} s; after the window: {StillSubmitted} Submitted, {Failed} Failed");
            text.AppendLine(CultureInfo.InvariantCulture, $"window {Window.TotalSeconds:F1} s (steady state, every task RUNNING, every run Submitted)");
            text.AppendLine(CultureInfo.InvariantCulture, $"ECS calls per minute:     total {EcsPerMinute.Values.Sum():F1} ({Calls(EcsPerMinute)})");
            text.AppendLine(CultureInfo.InvariantCulture, $"GraphQL calls per minute: total {GraphQLPerMinute.Values.Sum():F1} ({Calls(GraphQLPerMinute)})");
            text.AppendLine(CultureInfo.InvariantCulture, $"agent CPU in the window: {Cpu.TotalSeconds:F2} s = {100 * Cpu.TotalSeconds / Window.TotalSeconds:F2} % of one core");
            text.Append(CultureInfo.InvariantCulture, $"agent RSS: {RssAtEnd / 1048576.0:F1} MiB at the end, {MaxRssInWindow / 1048576.0:F1} MiB max in the window, {PeakRss / 1048576.0:F1} MiB peak since start (the launches)");
            return text.ToString();
        }
    }
}
