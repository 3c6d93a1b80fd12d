using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Testing.Prefect;

namespace Prefect.Agent.Fargate.Cli.Demo;

/// <summary>What the demo schedules and how the agent is configured; tests substitute their own.</summary>
internal sealed class DemoScenario
{
    /// <summary>The labels of the demo agent; every scheduled run carries <c>demo</c>.</summary>
    public static readonly IReadOnlyList<string> AgentLabels = ["aws", "demo"];

    /// <summary>The image of the demo's broken flow: the fake ECS cannot pull it.</summary>
    public const string MissingImage = "123456789012.dkr.ecr.us-east-1.amazonaws.com/nightly-report:no-such-tag";

    /// <summary>
    /// Seven runs of four flows, due a second apart: one flow with a run-config image, one with Docker storage, and one
    /// whose image cannot be pulled (its task stops before the flow starts; the agent marks the run Failed).
    /// </summary>
    public static readonly IReadOnlyList<DemoFlowRun> DefaultRuns =
    [
        new("nightly-report", TimeSpan.Zero, Image: MissingImage, FailsToStart: true),
        new("etl-orders", TimeSpan.Zero, Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/etl-orders:1.4.2"),
        new("train-model", TimeSpan.Zero, DockerStorageImage: "registry.example.com/flows/train-model:2026-11-27t12-00-00"),
        new("hello-world", TimeSpan.FromSeconds(1)),
        new("etl-orders", TimeSpan.FromSeconds(1), Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/etl-orders:1.4.2"),
        new("train-model", TimeSpan.FromSeconds(2), DockerStorageImage: "registry.example.com/flows/train-model:2026-11-27t12-00-00"),
        new("hello-world", TimeSpan.FromSeconds(2)),
    ];

    public static DemoScenario Default { get; } = new();

    public IReadOnlyList<DemoFlowRun> Runs { get; init; } = DefaultRuns;

    /// <summary>Gets how long the demo waits for every run to be Submitted before it gives up with exit code 1.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets how long after RunTask the fake ECS stops the task of a run that fails to start.</summary>
    public TimeSpan FailToStartAfter { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>The task behaviour of a run that fails to start: ECS cannot pull its image, as AWS words it.</summary>
    /// <param name="image">The image.</param>
    /// <param name="after">The time from RunTask to STOPPED.</param>
    /// <returns>The behaviour.</returns>
    public static FakeEcsTaskBehavior CannotPull(string image, TimeSpan after)
    {
        var reason = $"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref {image}: not found";
        return new FakeEcsTaskBehavior
        {
            Image = image,
            RunningAfter = after + TimeSpan.FromDays(1),
            StopAfter = after,
            StopCode = "TaskFailedToStart",
            StoppedReason = reason,
            ContainerReason = reason,
        };
    }

    /// <summary>Gets how often the progress line is refreshed from the fakes' state.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets a hook that changes the agent's options before it starts (tests turn features off).</summary>
    public Action<AgentOptions>? ConfigureAgent { get; init; }

    /// <summary>Gets a hook that changes the fakes once started (tests inject faults or extra runs).</summary>
    public Action<FakePrefectApi, FakeEcs>? ConfigureFakes { get; init; }

    /// <summary>Builds the options of the real agent, pointed at the fakes, with realistic ECS settings.</summary>
    /// <param name="prefect">The fake Prefect API.</param>
    /// <param name="ecs">The fake ECS.</param>
    /// <returns>The options; every setting the environment could otherwise supply is explicit.</returns>
    public static AgentOptions CreateAgentOptions(FakePrefectApi prefect, FakeEcs ecs)
    {
        var options = new AgentOptions
        {
            ApiUrl = prefect.Url,
            Backend = PrefectBackend.Server,
            Name = "demo-agent",
            Labels = AgentLabels.ToList(),
            EnvVars = { ["PREFECT__LOGGING__LEVEL"] = "INFO" },
            LaunchType = "FARGATE",
            EnableTaskRevisions = true,
            NoCloudLogs = false,
            FlowLoggingLevel = "INFO",

            // Short intervals keep the demo to a few seconds; the defaults go up to 10 s between idle polls.
            PollIntervals = [TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500)],
            ShutdownDrainTimeout = TimeSpan.FromSeconds(5),

            // The task watch reports a task that fails to start within half a second of ECS stopping it.
            TaskWatchInterval = TimeSpan.FromMilliseconds(500),
            Kwargs =
            {
                // As the CLI passes them: strings, read as Python literals by the agent (cpu and memory stay strings).
                ["cpu"] = "256",
                ["memory"] = "512",
                ["cluster"] = "prefect-demo",
                ["executionRoleArn"] = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
                ["networkConfiguration"] = "{'awsvpcConfiguration': {'subnets': ['subnet-0a1b2c3d4e5f60718'], 'securityGroups': ['sg-0a1b2c3d4e5f60718'], 'assignPublicIp': 'ENABLED'}}",
            },
        };

        // Endpoints, region and keys of the fake ECS: nothing falls through to the AWS profile, the environment or IMDS.
        return ecs.ApplyTo(options);
    }
}
