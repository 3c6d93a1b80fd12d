using System.Text.Json;
using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Testing.Http;

namespace Prefect.Agent.Fargate.Testing.Ecs;

/// <summary>
/// A local Amazon ECS (and Resource Groups Tagging API) on 127.0.0.1: it requires and verifies SigV4 signatures,
/// validates every request against the official API model, keeps task definitions and tasks like ECS, and can
/// throttle, fail or slow down on demand. Thread-safe.
/// </summary>
/// <example>
/// <code>
/// await using var ecs = await FakeEcs.StartAsync();
/// var options = ecs.ApplyTo(new AgentOptions()); // endpoints, region and the test credentials
/// // Like ECS, Fargate needs cpu, memory and a subnet:
/// options.Kwargs["cpu"] = "256";
/// options.Kwargs["memory"] = "512";
/// options.Kwargs["networkConfiguration"] = "{'awsvpcConfiguration': {'subnets': ['subnet-1']}}";
/// </code>
/// </example>
public sealed partial class FakeEcs : IAsyncDisposable
{
    /// <summary>The access key id the fake accepts.</summary>
    public const string AccessKeyId = "AKIAFAKEECS000000001";

    /// <summary>The secret access key of <see cref="AccessKeyId"/>.</summary>
    public const string SecretAccessKey = "fake-ecs-secret-access-key/0000000000000";

    private const string EcsTargetPrefix = "AmazonEC2ContainerServiceV20141113.";
    private const string TaggingTargetPrefix = "ResourceGroupsTaggingAPI_20170126.";

    private readonly FakeEcsOptions options;
    private readonly object gate = new();
    private readonly List<FakeEcsRequest> requests = [];
    private readonly Dictionary<string, Queue<FakeEcsFault>> faults = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeEcsRandomFaults.Draw> randomFaults = new(StringComparer.Ordinal);
    private FakeEcsRandomFaults.Draw? randomFaultsOfAll;
    private readonly FakeEcsTaskDefinitionStore definitions;
    private readonly FakeEcsTaskStore tasks;
    private readonly FakeEcsQuotas? quotas;
    private LoopbackHttpServer? server;
    private int throttledCount;

    private FakeEcs(FakeEcsOptions options)
    {
        this.options = options;
        definitions = new FakeEcsTaskDefinitionStore(options.Region, options.AccountId, options.TimeProvider);
        tasks = new FakeEcsTaskStore(options.Region, options.AccountId, options.TimeProvider, definitions, options.StopTaskDelay);
        quotas = options.EnforceQuotas ? new FakeEcsQuotas(options.Quotas, options.TimeProvider) : null;
    }

    /// <summary>Gets the endpoint of both APIs (ECS and tagging), e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Gets the region requests must be signed for.</summary>
    public string Region => options.Region;

    /// <summary>Gets the account id used in ARNs.</summary>
    public string AccountId => options.AccountId;

    /// <summary>Gets every request received so far, oldest first (a snapshot).</summary>
    public IReadOnlyList<FakeEcsRequest> Requests
    {
        get
        {
            lock (gate)
            {
                return requests.ToList();
            }
        }
    }

    /// <summary>Gets the number of requests received per operation (a snapshot).</summary>
    public IReadOnlyDictionary<string, int> CallCounts
    {
        get
        {
            lock (gate)
            {
                return requests.GroupBy(r => r.Operation, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Gets the number of calls answered with a throttling error (quotas or injected faults).</summary>
    public int ThrottledCount => Volatile.Read(ref throttledCount);

    /// <summary>Gets every task-definition revision, in registration order (a snapshot).</summary>
    public IReadOnlyList<FakeEcsTaskDefinition> TaskDefinitions
    {
        get
        {
            lock (gate)
            {
                return definitions.Snapshot();
            }
        }
    }

    /// <summary>Gets every task started, in launch order (a snapshot).</summary>
    public IReadOnlyList<FakeEcsTask> Tasks
    {
        get
        {
            lock (gate)
            {
                return tasks.Snapshot();
            }
        }
    }

    /// <summary>Starts a fake on a free port of 127.0.0.1.</summary>
    /// <param name="options">The options; <see langword="null"/>: the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running fake.</returns>
    public static Task<FakeEcs> StartAsync(FakeEcsOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var fake = new FakeEcs(options ?? new FakeEcsOptions());
        var server = LoopbackHttpServer.Start(fake.HandleAsync);
        fake.Url = server.Url;
        fake.server = server;
        return Task.FromResult(fake);
    }

    /// <summary>
    /// Points agent options at this fake: <see cref="AgentOptions.EcsServiceUrl"/>, <see cref="AgentOptions.TaggingServiceUrl"/>,
    /// <see cref="AgentOptions.RegionName"/> and the test credentials.
    /// </summary>
    /// <param name="options">The options to change.</param>
    /// <returns>The same options.</returns>
    public AgentOptions ApplyTo(AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EcsServiceUrl = Url;
        options.TaggingServiceUrl = Url;
        options.RegionName = Region;
        options.AwsAccessKeyId = AccessKeyId;
        options.AwsSecretAccessKey = SecretAccessKey;
        options.AwsSessionToken = null;
        return options;
    }

    /// <summary>Makes the next <paramref name="times"/> calls of <paramref name="operation"/> answer <paramref name="fault"/>.</summary>
    /// <param name="operation">The operation, e.g. <c>RunTask</c>, <c>DescribeTaskDefinition</c>, <c>GetResources</c>.</param>
    /// <param name="fault">The fault.</param>
    /// <param name="times">How many calls.</param>
    public void InjectFault(string operation, FakeEcsFault fault, int times = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(operation);
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(times);
        lock (gate)
        {
            if (!faults.TryGetValue(operation, out var queue))
            {
                faults[operation] = queue = new Queue<FakeEcsFault>();
            }

            for (var i = 0; i < times; i++)
            {
                queue.Enqueue(fault);
            }
        }
    }

    /// <summary>
    /// Drops the faults not yet answered (of <paramref name="operation"/>, or of every operation), e.g. after a test
    /// "crashed" an agent while its calls hung, so that the next agent gets ordinary answers.
    /// </summary>
    /// <param name="operation">The operation; <see langword="null"/>: every operation.</param>
    public void ClearFaults(string? operation = null)
    {
        lock (gate)
        {
            if (operation is null)
            {
                faults.Clear();
            }
            else
            {
                faults.Remove(operation);
            }
        }
    }

    /// <summary>
    /// Answers a random fraction of calls with a fault from now on (see <see cref="FakeEcsRandomFaults"/>): of one
    /// operation, or of every operation of both APIs. A setting for an operation wins over the one for all; a call
    /// draws only after the faults queued by <see cref="InjectFault"/> are used up.
    /// </summary>
    /// <param name="faults">The fractions and the seed; <see langword="null"/> clears the setting.</param>
    /// <param name="operation">The operation, e.g. <c>RunTask</c>; <see langword="null"/>: every operation.</param>
    /// <exception cref="ArgumentOutOfRangeException">A rate is not between 0 and 1.</exception>
    /// <exception cref="ArgumentException">The rates add up to more than 1.</exception>
    public void SetRandomFaults(FakeEcsRandomFaults? faults, string? operation = null)
    {
        faults?.Validate();
        lock (gate)
        {
            var draw = faults is null ? null : new FakeEcsRandomFaults.Draw(faults);
            if (operation is null)
            {
                randomFaultsOfAll = draw;
            }
            else if (draw is null)
            {
                randomFaults.Remove(operation);
            }
            else
            {
                randomFaults[operation] = draw;
            }
        }
    }

    /// <summary>
    /// Makes RunTask refuse to place the tasks of a family (or of every family) for the first attempts of each launch,
    /// as a cluster short of capacity does (see <see cref="FakeEcsCapacityShortage"/>). Applies to launches from now on;
    /// the latest matching shortage wins.
    /// </summary>
    /// <param name="shortage">The shortage.</param>
    public void AddCapacityShortage(FakeEcsCapacityShortage shortage)
    {
        ArgumentNullException.ThrowIfNull(shortage);
        shortage.Validate();
        lock (gate)
        {
            tasks.AddShortage(shortage);
        }
    }

    /// <summary>
    /// Sets how the tasks of a family or image live (the latest matching behaviour wins; without one a task is
    /// <c>PROVISIONING</c>, then <c>RUNNING</c> after 100 ms). Applies to tasks started afterwards.
    /// </summary>
    /// <param name="behavior">The behaviour.</param>
    public void AddTaskBehavior(FakeEcsTaskBehavior behavior)
    {
        ArgumentNullException.ThrowIfNull(behavior);
        lock (gate)
        {
            tasks.AddBehavior(behavior);
        }
    }

    /// <summary>Gets the number of requests received for one operation.</summary>
    /// <param name="operation">The operation.</param>
    /// <returns>The count.</returns>
    public int GetCallCount(string operation)
    {
        lock (gate)
        {
            return requests.Count(r => r.Operation == operation);
        }
    }

    /// <summary>Registers a task definition directly (as RegisterTaskDefinition would, model validation included), e.g. to seed a test.</summary>
    /// <param name="request">A RegisterTaskDefinition request body.</param>
    /// <returns>The new revision.</returns>
    /// <exception cref="ArgumentException">The request is not valid for ECS.</exception>
    public FakeEcsTaskDefinition RegisterTaskDefinition(JsonObject request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var validation = AwsModels.Ecs.Validate("RegisterTaskDefinition", request);
        if (!validation.IsValid)
        {
            throw new ArgumentException(validation.Report, nameof(request));
        }

        lock (gate)
        {
            try
            {
                var arn = definitions.Register(request)["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
                return definitions.Snapshot().Single(d => d.Arn == arn);
            }
            catch (FakeEcsErrorException ex)
            {
                throw new ArgumentException($"{ex.ErrorCode}: {ex.Message}", nameof(request), ex);
            }
        }
    }

    /// <summary>
    /// Deregisters a revision directly (as DeregisterTaskDefinition would): it becomes <c>INACTIVE</c>, so RunTask refuses
    /// it and DescribeTaskDefinition of the bare family skips it, e.g. to test an agent whose cached definition was
    /// deregistered behind its back.
    /// </summary>
    /// <param name="taskDefinition"><c>family:revision</c> or the revision's ARN.</param>
    /// <returns>The revision, now inactive.</returns>
    /// <exception cref="ArgumentException">No such revision (a bare family is refused, as ECS does).</exception>
    public FakeEcsTaskDefinition DeregisterTaskDefinition(string taskDefinition)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskDefinition);
        lock (gate)
        {
            try
            {
                var arn = definitions.Deregister(new JsonObject { ["taskDefinition"] = taskDefinition })["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
                return definitions.Snapshot().Single(d => d.Arn == arn);
            }
            catch (FakeEcsErrorException ex)
            {
                throw new ArgumentException($"{ex.ErrorCode}: {ex.Message}", nameof(taskDefinition), ex);
            }
        }
    }

    /// <summary>Forgets the recorded requests and the throttled count (state and faults are kept).</summary>
    public void ClearRequests()
    {
        lock (gate)
        {
            requests.Clear();
            Interlocked.Exchange(ref throttledCount, 0);
        }
    }

    /// <summary>Stops the server.</summary>
    /// <returns>A task completing when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref server, null) is { } running)
        {
            await running.DisposeAsync().ConfigureAwait(false);
        }
    }
}
