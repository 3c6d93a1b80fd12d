using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Testing.Prefect;

namespace Prefect.Agent.Fargate.Benchmarks.Load;

/// <summary>
/// Runs the fakes in this process and the agent as a separate process against them, and measures from the outside:
/// the fakes' request records (both carry their arrival times) and the agent's <c>/proc</c> entries. Nothing is taken from the agent's own reporting.
/// </summary>
internal sealed class LoadDriver
{
    private const string Label = "bench";

    private readonly AgentCommand agent;
    private readonly IReadOnlyDictionary<string, string> extraEnvironment;
    private readonly IReadOnlyList<string> extraArguments;
    private readonly string outputDirectory;
    private readonly TimeSpan timeout;

    public LoadDriver(AgentCommand agent, IReadOnlyDictionary<string, string> extraEnvironment, IReadOnlyList<string> extraArguments, string outputDirectory, TimeSpan timeout)
    {
        this.agent = agent;
        this.extraEnvironment = extraEnvironment;
        this.extraArguments = extraArguments;
        this.outputDirectory = outputDirectory;
        this.timeout = timeout;
    }

    public async Task<LoadResult> RunAsync(Workload workload, CancellationToken cancellationToken)
    {
        var ecsOptions = new FakeEcsOptions { Latency = workload.EcsLatency, EnforceQuotas = workload.EnforceQuotas };
        await using var prefect = await FakePrefectApi.StartAsync(new FakePrefectApiOptions { Mode = FakePrefectBackendMode.Server }, cancellationToken).ConfigureAwait(false);
        await using var ecs = await FakeEcs.StartAsync(ecsOptions, cancellationToken).ConfigureAwait(false);
        await WarmUpFakesAsync(prefect, ecs, cancellationToken).ConfigureAwait(false);
        prefect.ResponseDelay = workload.BackendLatency;

        var scheduled = TimeProvider.System.GetUtcNow().AddSeconds(-1);
        for (var i = 0; i < workload.Runs; i++)
        {
            var flow = i % workload.Flows;
            prefect.AddScheduledFlowRun($"bench-flow-{flow:D2}", scheduled, [Label], $"registry.example/bench/flow-{flow:D2}:1");
        }

        var clock = new ClockAnchor();
        var baseline = prefect.Requests.Count;
        var driverCpuAtStart = ProcSample.TryRead(System.Environment.ProcessId)?.CpuTime ?? TimeSpan.Zero;

        // Several agents (workload e) are several processes of one account: one fake ECS, so one set of buckets.
        var processes = new List<IAgentUnderTest>();
        var logPaths = new List<string>();
        try
        {
            for (var i = 0; i < workload.Agents; i++)
            {
                var logPath = Path.Combine(outputDirectory, workload.Agents == 1 ? $"agent-{workload.Name}.log" : $"agent-{workload.Name}-{i + 1}.log");
                logPaths.Add(logPath);
                processes.Add(StartAgent(prefect, ecs, logPath, governor: workload.EnforceQuotas, name: workload.Agents == 1 ? null : $"bench-{i + 1}"));
            }

            var process = processes[0];
            var firstPoll = await WaitForFirstPollAsync(prefect, clock, process, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The agent did not poll within 30 s (or exited); its output:\n{ReadLog(logPaths[0])}");
            var atFirstPoll = processes.Select(p => p.Read()).ToList();

            // Until every run has its RunTask, or every run has an outcome (its task, or Failed).
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            for (var tick = 1; processes.All(p => !p.HasExited) && Stopwatch.GetTimestamp() < deadline; tick++)
            {
                var launched = SuccessfulRunTasks(ecs);
                if (launched >= workload.Runs || (tick % 20 == 0 && launched + prefect.FlowRuns.Count(r => r.State == "Failed") >= workload.Runs))
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System, cancellationToken).ConfigureAwait(false);
            }

            // Let the claims and logs of the last runs land before the counts are taken (they follow RunTask).
            await WaitForQuietAsync(prefect, TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            var atEnd = processes.Select(p => p.Read()).ToList();
            var driverCpu = (ProcSample.TryRead(System.Environment.ProcessId)?.CpuTime ?? TimeSpan.Zero) - driverCpuAtStart;
            var exitCodes = new List<int?>();
            foreach (var each in processes)
            {
                exitCodes.Add(await each.StopAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false));
            }

            var requests = ecs.Requests;
            var prefectRequests = prefect.Requests.Skip(baseline).ToList();
            var stamps = prefectRequests.Select(r => clock.ToTimestamp(r.ReceivedAt)).ToList();
            WriteTimeline(Path.Combine(outputDirectory, $"timeline-{workload.Name}.csv"), firstPoll, clock, requests, prefectRequests, stamps);
            var runTasks = requests.Where(r => r.Operation == "RunTask" && r.StatusCode == 200).ToList();
            var lastRunTask = runTasks.Count == 0 ? firstPoll : clock.ToTimestamp(runTasks.Max(r => r.ReceivedAt));
            var (deploy, queue) = Latencies(prefect.FlowRuns, prefectRequests, stamps, runTasks, clock, firstPoll);

            // Launched exactly once: ECS's own tasks, by startedBy (the run id).
            var tasksByRun = ecs.Tasks.GroupBy(t => t.Task["startedBy"]?.GetValue<string>() ?? string.Empty, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var runs = prefect.FlowRuns;
            return new LoadResult
            {
                Workload = workload,
                Agent = agent.Description,
                RunsDeployed = runTasks.Count,
                Completed = runTasks.Count >= workload.Runs,
                Wall = Stopwatch.GetElapsedTime(firstPoll, lastRunTask),
                EcsCalls = requests.GroupBy(r => r.Operation, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
                GraphQLCalls = prefectRequests.GroupBy(r => r.Operation, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
                Throttled = ecs.ThrottledCount,
                ThrottledByOperation = requests.Where(r => r.ErrorCode is "ThrottlingException" or "ThrottledException")
                    .GroupBy(r => r.Operation, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
                RunsLaunchedOnce = runs.Count(r => tasksByRun.GetValueOrDefault(r.Id) == 1),
                RunsLaunchedTwiceOrMore = runs.Count(r => tasksByRun.GetValueOrDefault(r.Id) > 1),
                RunsFailed = runs.Count(r => r.State == "Failed"),
                DeployLatencies = deploy,
                QueueLatencies = queue,
                PeakRssBytes = atEnd.Zip(processes).Max(p => p.First?.PeakRssBytes ?? p.Second.MaxSampledRss),
                CpuTotal = TimeSpan.FromTicks(atEnd.Sum(s => (s?.CpuTime ?? TimeSpan.Zero).Ticks)),
                CpuUnderLoad = TimeSpan.FromTicks(atEnd.Zip(atFirstPoll).Sum(p => ((p.First?.CpuTime ?? TimeSpan.Zero) - (p.Second?.CpuTime ?? TimeSpan.Zero)).Ticks)),
                StartToFirstPoll = Stopwatch.GetElapsedTime(process.StartedTimestamp, firstPoll),
                ExitCode = exitCodes.Any(c => c is null) ? null : exitCodes.Max(),
                LogPath = string.Join(", ", logPaths),
                DriverCpu = driverCpu,
                QuotaBounds = workload.EnforceQuotas ? QuotaLowerBound.Compute(workload, ecsOptions) : [],
            };
        }
        finally
        {
            foreach (var each in processes)
            {
                await each.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public async Task<IdleResult> RunIdleAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        await using var prefect = await FakePrefectApi.StartAsync(new FakePrefectApiOptions { Mode = FakePrefectBackendMode.Server }, cancellationToken).ConfigureAwait(false);
        await using var ecs = await FakeEcs.StartAsync(new FakeEcsOptions(), cancellationToken).ConfigureAwait(false);
        await WarmUpFakesAsync(prefect, ecs, cancellationToken).ConfigureAwait(false);
        var clock = new ClockAnchor();
        var logPath = Path.Combine(outputDirectory, "agent-idle.log");
        await using var process = StartAgent(prefect, ecs, logPath, governor: true, name: null);
        var firstPoll = await WaitForFirstPollAsync(prefect, clock, process, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The agent did not poll within 30 s (or exited); its output:\n{ReadLog(logPath)}");
        var atFirstPoll = process.Read();
        await Task.Delay(window, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        var atEnd = process.Read();
        var maxInWindow = process.MaxSampledRss;
        var polls = prefect.CountRequests("get_runs_in_queue");
        await process.StopAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return new IdleResult
        {
            Agent = agent.Description,
            Window = window,
            StartToFirstPoll = Stopwatch.GetElapsedTime(process.StartedTimestamp, firstPoll),
            RssAtEndBytes = atEnd?.RssBytes ?? 0,
            MaxRssInWindowBytes = maxInWindow,
            PeakRssBytes = atEnd?.PeakRssBytes ?? 0,
            CpuInWindow = (atEnd?.CpuTime ?? TimeSpan.Zero) - (atFirstPoll?.CpuTime ?? TimeSpan.Zero),
            CpuTotal = atEnd?.CpuTime ?? TimeSpan.Zero,
            Polls = polls,
        };
    }

    private static readonly string[] Kwargs =
    [
        "cpu=256",
        "memory=512",
        "cluster=bench",
        "networkConfiguration={'awsvpcConfiguration': {'subnets': ['subnet-0bench'], 'securityGroups': ['sg-0bench'], 'assignPublicIp': 'ENABLED'}}",
    ];

    private IAgentUnderTest StartAgent(FakePrefectApi prefect, FakeEcs ecs, string logPath, bool governor, string? name = null) => agent.IsInProcess
        ? InProcessAgent.Start(prefect.Url, Label, Kwargs, ecs, governor, name)
        : AgentProcess.Start(
            agent,
            ["start", "--api", prefect.Url.ToString(), "--label", Label, .. (name is null ? [] : new[] { "--name", name }), .. Kwargs, .. (governor ? [] : NoQuotaItems), .. extraArguments],
            Environment(ecs),
            logPath);

    // Without quotas (workload a) the agent is configured as for an account with raised ECS quotas: no client-side
    // rate limits; everything else, the 32 deployment slots included, at its defaults.
    private static readonly string[] NoQuotaItems = ["ecs_rate_limits=false"];

    private static string ReadLog(string path)
    {
        Thread.Sleep(200);
        return File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(30)) : "(no output)";
    }

    // From the request records (a shallow copy), not FakeEcs.Tasks: that snapshot deep-copies every task under the
    // fake's lock, and taken every 10 ms it cost more CPU than the agent under test and held up the fake's handlers.
    private static int SuccessfulRunTasks(FakeEcs ecs) => ecs.Requests.Count(r => r.Operation == "RunTask" && r.StatusCode == 200);

    // The fake stamps each request on arrival; this only waits for the first poll (the agent starts in ~0.1 s).
    private static async Task<long?> WaitForFirstPollAsync(FakePrefectApi prefect, ClockAnchor clock, IAgentUnderTest process, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (30 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline && !process.HasExited)
        {
            if (prefect.Requests.FirstOrDefault(r => r.Operation == "get_runs_in_queue") is { } poll)
            {
                return clock.ToTimestamp(poll.ReceivedAt);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }

        return null;
    }

    // The first request of a fresh Kestrel and of each handler pays for JIT in THIS process; keep that out of the agent's figures.
    private static async Task WarmUpFakesAsync(FakePrefectApi prefect, FakeEcs ecs, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        using var graphql = new StringContent("""{"query":"query { hello }","variables":"null"}""", System.Text.Encoding.UTF8, "application/json");
        (await http.PostAsync(prefect.Url, graphql, cancellationToken).ConfigureAwait(false)).Dispose();
        using var unsigned = new StringContent("{}", System.Text.Encoding.UTF8, "application/x-amz-json-1.1");
        (await http.PostAsync(ecs.Url, unsigned, cancellationToken).ConfigureAwait(false)).Dispose();

        // An ECS operation (refused: unsigned) loads and compiles the API model, which the agent's first call would pay for.
        using var operation = new HttpRequestMessage(HttpMethod.Post, ecs.Url) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/x-amz-json-1.1") };
        operation.Headers.Add("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition");
        (await http.SendAsync(operation, cancellationToken).ConfigureAwait(false)).Dispose();
        ecs.ClearRequests();
    }

    private static async Task WaitForQuietAsync(FakePrefectApi prefect, TimeSpan quiet, CancellationToken cancellationToken)
    {
        var count = -1;
        var since = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(since) < quiet)
        {
            var now = prefect.Requests.Count(r => r.Operation != "get_runs_in_queue");
            if (now != count)
            {
                count = now;
                since = Stopwatch.GetTimestamp();
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
    }

    private static (List<TimeSpan> Deploy, List<TimeSpan> Queue) Latencies(
        IReadOnlyList<FakeFlowRun> runs, List<FakePrefectRequest> requests, List<long> stamps, List<FakeEcsRequest> runTasks, ClockAnchor clock, long firstPoll)
    {
        // When the agent first asked for each run's metadata (the flow_run query names the ids it picked up).
        var runIds = runs.Select(r => r.Id).ToList();
        var pickedUp = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < Math.Min(requests.Count, stamps.Count); i++)
        {
            if (requests[i].Operation != "flow_run")
            {
                continue;
            }

            foreach (var id in runIds)
            {
                if (!pickedUp.ContainsKey(id) && requests[i].Query.Contains(id, StringComparison.Ordinal))
                {
                    pickedUp[id] = stamps[i];
                }
            }
        }

        var deploy = new List<TimeSpan>();
        var queue = new List<TimeSpan>();
        foreach (var runTask in runTasks)
        {
            var at = clock.ToTimestamp(runTask.ReceivedAt);
            queue.Add(Stopwatch.GetElapsedTime(firstPoll, at));
            if (FlowRunIdOf(runTask.ParseBody()) is { } id && pickedUp.TryGetValue(id, out var picked))
            {
                deploy.Add(Stopwatch.GetElapsedTime(picked, at));
            }
        }

        return (deploy, queue);
    }

    // One line per request, both fakes, in milliseconds from the first poll: what the bottleneck analysis reads.
    private static void WriteTimeline(string path, long firstPoll, ClockAnchor clock, IReadOnlyList<FakeEcsRequest> ecs, List<FakePrefectRequest> prefect, List<long> stamps)
    {
        var lines = new List<(double At, string Line)>();
        foreach (var r in ecs)
        {
            var at = Stopwatch.GetElapsedTime(firstPoll, clock.ToTimestamp(r.ReceivedAt)).TotalMilliseconds;
            lines.Add((at, string.Create(CultureInfo.InvariantCulture, $"{at:F1},ecs,{r.Operation},{r.StatusCode},{r.ErrorCode}")));
        }

        for (var i = 0; i < Math.Min(prefect.Count, stamps.Count); i++)
        {
            var at = Stopwatch.GetElapsedTime(firstPoll, stamps[i]).TotalMilliseconds;
            lines.Add((at, string.Create(CultureInfo.InvariantCulture, $"{at:F1},prefect,{prefect[i].Operation},{prefect[i].StatusCode},")));
        }

        File.WriteAllLines(path, ["ms_from_first_poll,service,operation,status,error", .. lines.OrderBy(l => l.At).Select(l => l.Line)]);
    }

    private static string? FlowRunIdOf(JsonObject? runTask)
    {
        foreach (var container in runTask?["overrides"]?["containerOverrides"] as JsonArray ?? [])
        {
            foreach (var variable in container?["environment"] as JsonArray ?? [])
            {
                if (variable?["name"]?.GetValue<string>() == "PREFECT__CONTEXT__FLOW_RUN_ID")
                {
                    return variable["value"]?.GetValue<string>();
                }
            }
        }

        return null;
    }

    /// <summary>The environment of an agent process pointed at the fakes, with no AWS profile of this machine.</summary>
    /// <param name="ecs">The fake ECS.</param>
    /// <param name="outputDirectory">Where the missing AWS config and credentials files are said to be.</param>
    /// <returns>The variables.</returns>
    internal static Dictionary<string, string> AgentEnvironment(FakeEcs ecs, string outputDirectory) => new(StringComparer.Ordinal)
    {
        ["PREFECT__BACKEND"] = "server",
        ["AWS_ENDPOINT_URL"] = ecs.Url.ToString(),
        ["AWS_ACCESS_KEY_ID"] = FakeEcs.AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = FakeEcs.SecretAccessKey,
        ["AWS_REGION"] = ecs.Region,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_CONFIG_FILE"] = Path.Combine(outputDirectory, "no-aws-config"),
        ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(outputDirectory, "no-aws-credentials"),
    };

    private Dictionary<string, string> Environment(FakeEcs ecs)
    {
        var environment = AgentEnvironment(ecs, outputDirectory);
        foreach (var (key, value) in extraEnvironment)
        {
            environment[key] = value;
        }

        return environment;
    }
}
