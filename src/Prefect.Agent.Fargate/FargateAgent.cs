using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prefect.Agent.Fargate.Composition;
using Prefect.Agent.Fargate.Diagnostics;
using Prefect.Agent.Fargate.Ecs;
using Prefect.Agent.Fargate.Pipeline;
using Prefect.Agent.Fargate.Polling;

namespace Prefect.Agent.Fargate;

/// <summary>
/// The agent: polls the Prefect backend for scheduled flow runs whose labels match, and launches each as an ECS task.
/// The counterpart of Prefect 0.15's Python <c>FargateAgent</c>.
/// </summary>
/// <remarks>
/// The agent is independent of any host: <see cref="StartAsync"/> runs until the agent stops, like the original
/// <c>start()</c>. Under Microsoft.Extensions.Hosting, <c>AddFargateAgent</c> runs it as a hosted service.
/// </remarks>
public sealed partial class FargateAgent : IAsyncDisposable
{
    private readonly AgentOptions options;
    private readonly ILogger logger;
    private readonly AgentTelemetry telemetry;
    private readonly FlowRunDeployer deployer;
    private readonly DeploymentTracker tracker;
    private readonly WakeSignal wake = new();
    private readonly CancellationTokenSource stop = new();
    private readonly CancellationTokenSource deployments = new();
    private readonly Lazy<IFlowRunSource> flowRunSource;
    private readonly Lazy<EcsAgentServices> ecs;
    private readonly Lazy<ITaskDefinitionRegistry> registry;
    private readonly Lazy<ITaskLauncher> launcher;
    private readonly Lazy<IExternalKwargsProvider> externalKwargs;
    private readonly Lazy<ITaskMonitor> taskMonitor;
    private readonly IFlowRunMonitor? flowRunMonitor;
    private readonly List<object> owned = [];
    private Task? running;
    private int started;
    private int disposed;

    /// <summary>Initializes a new instance of the <see cref="FargateAgent"/> class with the default Prefect, ECS and S3 implementations.</summary>
    /// <param name="options">The options; a snapshot is taken, with the original's environment fallbacks applied.</param>
    /// <exception cref="OptionsValidationException">The options are invalid; the message lists every error.</exception>
    public FargateAgent(AgentOptions options)
        : this(options, flowRunSource: null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FargateAgent"/> class with some seams replaced.</summary>
    /// <param name="options">The options; a snapshot is taken, with the original's environment fallbacks applied.</param>
    /// <param name="flowRunSource">The flow-run source; <see langword="null"/> for the Prefect GraphQL one.</param>
    /// <param name="taskDefinitionRegistry">The task-definition registry; <see langword="null"/> for the ECS one.</param>
    /// <param name="taskLauncher">The task launcher; <see langword="null"/> for ECS RunTask.</param>
    /// <param name="externalKwargsProvider">The external kwargs; <see langword="null"/> for S3 (used only with <see cref="AgentOptions.UseExternalKwargs"/>).</param>
    /// <param name="taskMonitor">
    /// The task monitor of the task watch and the reconciler; <see langword="null"/> for ECS (also with a launcher of
    /// your own).
    /// </param>
    /// <param name="flowRunMonitor">
    /// The run-state reader of the task watch and the reconciler; <see langword="null"/> for the flow-run source when it
    /// implements <see cref="IFlowRunMonitor"/> (the default Prefect source does). Without either, neither runs.
    /// </param>
    /// <exception cref="OptionsValidationException">The options are invalid; the message lists every error.</exception>
    public FargateAgent(
        AgentOptions options,
        IFlowRunSource? flowRunSource,
        ITaskDefinitionRegistry? taskDefinitionRegistry = null,
        ITaskLauncher? taskLauncher = null,
        IExternalKwargsProvider? externalKwargsProvider = null,
        ITaskMonitor? taskMonitor = null,
        IFlowRunMonitor? flowRunMonitor = null)
        : this(options, AgentComposition.Default, Microsoft.Extensions.Options.Options.DefaultName, flowRunSource, taskDefinitionRegistry, taskLauncher, externalKwargsProvider, taskMonitor, flowRunMonitor)
    {
    }

    internal FargateAgent(
        AgentOptions options,
        AgentComposition composition,
        string? optionsName,
        IFlowRunSource? flowRunSource,
        ITaskDefinitionRegistry? taskDefinitionRegistry,
        ITaskLauncher? taskLauncher,
        IExternalKwargsProvider? externalKwargsProvider,
        ITaskMonitor? taskMonitor = null,
        IFlowRunMonitor? flowRunMonitor = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(composition);
        var prepared = composition.PrepareOrThrow(optionsName, options);
        this.options = prepared.Resolved;
        logger = this.options.LoggerFactory.CreateLogger<FargateAgent>();
        telemetry = new AgentTelemetry(this.options.MeterFactory, this.options.Name!);
        tracker = new DeploymentTracker(this.options.MaxConcurrentDeployments, this.options.TimeProvider, logger);
        Status = new AgentStatus(() => tracker.Count);

        // Defaults are created on first use only, and disposed with the agent; seams given by the caller are theirs.
        // The AWS clients read their region and endpoint variables through the same lookup the options were resolved
        // with, so one environment (the process's, or a test's) configures the whole agent.
        // The composition root picks each default, as it does for AddFargateAgent.
        var resolved = this.options;
        if (taskDefinitionRegistry is null || taskLauncher is null || (externalKwargsProvider is null && resolved.UseExternalKwargs))
        {
            composition.CheckAwsOrThrow(optionsName, resolved);
        }

        this.flowRunSource = flowRunSource is null ? new(() => Own(composition.CreateFlowRunSource(resolved))) : new(flowRunSource);
        ecs = new Lazy<EcsAgentServices>(() => Own(composition.CreateEcs(resolved)));
        registry = taskDefinitionRegistry is null ? new(() => ecs.Value.Registry) : new(taskDefinitionRegistry);
        launcher = taskLauncher is null ? new(() => ecs.Value.Launcher) : new(taskLauncher);
        externalKwargs = externalKwargsProvider is null ? new(() => Own(composition.CreateExternalKwargs(resolved))) : new(externalKwargsProvider);
        this.taskMonitor = taskMonitor is null ? new(() => ecs.Value.Monitor) : new(taskMonitor);
        this.flowRunMonitor = flowRunMonitor;

        var planner = composition.CreatePlanner(this.options, prepared.Kwargs!);
        deployer = new FlowRunDeployer(
            this.options, () => this.flowRunSource.Value, () => registry.Value, () => launcher.Value, () => externalKwargs.Value, planner, telemetry, logger)
        {
            RetryWait = tracker.WaitWithoutSlotAsync,
            DefinitionWait = tracker.WaitWithoutSlotAsync,
            FirstRetryDelay = composition.DeploymentRetryDelays?.First ?? FlowRunDeployer.DefaultFirstRetryDelay,
            MaxRetryDelay = composition.DeploymentRetryDelays?.Max ?? FlowRunDeployer.DefaultMaxRetryDelay,
        };
        LogConfiguration();
    }

    /// <summary>Gets the agent's resolved options (environment fallbacks applied).</summary>
    internal AgentOptions ResolvedOptions => options;

    internal AgentStatus Status { get; }

    /// <summary>Gets the implementation type of each seam, in the order source, registry, launcher, external kwargs (creates the defaults; tests compare both paths' graphs).</summary>
    internal IReadOnlyList<Type> SeamTypes =>
        [flowRunSource.Value.GetType(), registry.Value.GetType(), launcher.Value.GetType(), externalKwargs.Value.GetType()];

    /// <summary>Gets or sets whether a host logs the fatal error (with what it does about it) instead of the agent.</summary>
    internal bool FatalErrorsLoggedByHost { get; set; }

    /// <summary>Gets the health endpoint while it runs (tests read its bound port).</summary>
    internal HealthEndpoint? HealthEndpoint { get; private set; }

    /// <summary>
    /// Registers with the backend, then polls until <see cref="AgentOptions.MaxPolls"/> is reached, the token is
    /// cancelled or <see cref="StopAsync"/> is called; completes only then, after in-flight deployments drained.
    /// Like the original <c>start()</c>.
    /// </summary>
    /// <param name="cancellationToken">Stops the agent (with a drain) when cancelled.</param>
    /// <returns>A task that completes when the agent has stopped.</returns>
    /// <exception cref="PrefectAuthenticationException">The backend refused the credentials.</exception>
    /// <exception cref="InvalidOperationException">The agent was already started.</exception>
    /// <exception cref="ObjectDisposedException">The agent was disposed.</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        if (Interlocked.Exchange(ref started, 1) != 0)
        {
            throw new InvalidOperationException("Already started");
        }

        var run = RunAsync(cancellationToken);
        Volatile.Write(ref running, run);
        return run;
    }

    /// <summary>Stops polling and waits for in-flight deployments, up to <see cref="AgentOptions.ShutdownDrainTimeout"/>.</summary>
    /// <param name="cancellationToken">Abandons the drain when cancelled: in-flight deployments are cancelled.</param>
    /// <returns>A task that completes when the agent has stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref disposed) == 0)
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }

        if (Volatile.Read(ref running) is not { } run)
        {
            return;
        }

        using var abandon = cancellationToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), deployments);

        // A fatal error belongs to StartAsync's caller; stopping only waits for the agent to be down.
        await run.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Deploys one flow run: claims it, launches its ECS task, and reports back (Submitted log, or Failed).</summary>
    /// <param name="run">The flow run.</param>
    /// <param name="cancellationToken">Cancels the deployment.</param>
    /// <returns>The outcome.</returns>
    public Task<DeploymentResult> DeployFlowAsync(FlowRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        return deployer.DeployAsync(run, cancellationToken);
    }

    /// <summary>
    /// The original's <c>validate_configuration</c>: registers a <c>prefect-test-task-*</c> definition with a busybox
    /// container and runs it, to prove the AWS settings work. Never called by the agent itself.
    /// </summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The ARN of the test task.</returns>
    /// <remarks>Like the original, the test definition is not deregistered and the busybox task really runs.</remarks>
    public Task<string> ValidateConfigurationAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        return deployer.ValidateConfigurationAsync(cancellationToken);
    }

    /// <summary>Stops the agent (draining in-flight deployments) and disposes the default implementations it created.</summary>
    /// <returns>A task that completes when the agent is disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref disposed) != 0)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        foreach (var item in owned)
        {
            if (item is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else if (item is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }

        telemetry.Dispose();
        tracker.Dispose();
        stop.Dispose();
        deployments.Dispose();
    }

    /// <summary>Wakes the poll loop at once (the health endpoint's <c>/api/poke</c>).</summary>
    internal void Poke()
    {
        logger.Poked();
        wake.Set();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        // Run the whole agent off the caller's synchronous context.
        await Task.Yield();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stop.Token);
        var stopping = linked.Token;
        using var scope = logger.BeginScope(new Dictionary<string, object?>(StringComparer.Ordinal) { ["AgentName"] = options.Name });
        Status.SetState(AgentState.Running);
        var faulted = false;
        Followers? followers = null;
        try
        {
            await RegisterAsync(stopping).ConfigureAwait(false);
            logger.Starting(Kwargs.PythonRepr.List(options.Labels));
            logger.Documentation();
            logger.WaitingForFlowRuns();

            if (!string.IsNullOrEmpty(options.AgentAddress) && AgentAddress.TryParse(options.AgentAddress, out var address, out _))
            {
                HealthEndpoint = await HealthEndpoint.StartAsync(address!, Poke, options.TimeProvider, logger, stopping).ConfigureAwait(false);
            }

            var loop = new PollLoop(options, flowRunSource.Value, tracker, (run, claim, ct) => deployer.DeployAsync(run, ct, tracker.TrackTrailing, claim), wake, Status, telemetry, logger);
            followers = StartFollowers(stopping);
            await loop.RunAsync(stopping, deployments.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping is not an error.
        }
        catch (Exception ex)
        {
            faulted = true;
            if (AgentErrors.IsFatal(ex) && !FatalErrorsLoggedByHost)
            {
                logger.FatalError(ex);
            }

            throw;
        }
        finally
        {
            await DrainAsync().ConfigureAwait(false);
            if (followers is { } running)
            {
                await running.StopAsync().ConfigureAwait(false);
            }
            if (HealthEndpoint is { } endpoint)
            {
                await endpoint.DisposeAsync().ConfigureAwait(false);
                HealthEndpoint = null;
            }

            Status.SetState(faulted ? AgentState.Faulted : AgentState.Stopped);
            logger.Stopped(Status.Snapshot().Polls);
        }
    }

    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        // The source logs the original's registration lines ("Registering agent...", "Registration successful!")
        // where they happen, between the credential check and the test query.
        var request = new AgentRegistrationRequest { Name = options.Name!, Labels = options.Labels.ToArray(), AgentConfigId = options.AgentConfigId };
        var registration = await flowRunSource.Value.RegisterAgentAsync(request, cancellationToken).ConfigureAwait(false);
        deployer.RegisteredTenantId = registration.TenantId;
        logger.Registered(registration.AgentId);
    }

    private async Task DrainAsync()
    {
        var pending = tracker.PendingTasks();
        if (pending.Length == 0)
        {
            return;
        }

        logger.Draining(options.ShutdownDrainTimeout.TotalSeconds, pending.Length);
        using var timer = new CancellationTokenSource();
        var timeout = Task.Delay(options.ShutdownDrainTimeout, options.TimeProvider, timer.Token);

        // Deployments leave trailing work (their Submitted lines) as they finish: drain until nothing is left.
        while (pending.Length > 0)
        {
            var all = Task.WhenAll(pending);
            if (await Task.WhenAny(all, timeout).ConfigureAwait(false) != all && !deployments.IsCancellationRequested)
            {
                logger.DrainTimedOut(options.ShutdownDrainTimeout.TotalSeconds);

                // Runs waiting for a retry are the agent's (Submitted) and have no task: say which stay so.
                foreach (var id in tracker.WaitingForRetryIds)
                {
                    logger.LeftWaitingForRetry(id);
                }

                await deployments.CancelAsync().ConfigureAwait(false);
            }

            // The tracked tasks never fault: each catches and logs its own errors.
            await all.ConfigureAwait(false);
            pending = tracker.PendingTasks();
        }

        await timer.CancelAsync().ConfigureAwait(false);
    }

    private void LogConfiguration()
    {
        logger.EnvironmentVariables(options.EnvVars.Keys);
        logger.MaxPolls(options.MaxPolls?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "None");
        logger.AgentAddress(options.AgentAddress ?? string.Empty);
        logger.LogToCloud(options.NoCloudLogs != true);
        logger.PrefectBackend(options.Backend == PrefectBackend.Server ? "server" : "cloud");
        logger.LaunchType(options.LaunchType ?? "None");
        logger.EnableTaskRevisions(options.EnableTaskRevisions);
        logger.UseExternalKwargs(options.UseExternalKwargs);
        logger.ExternalKwargsS3Bucket(options.ExternalKwargsS3Bucket ?? "None");
        logger.ExternalKwargsS3Key(options.ExternalKwargsS3Key ?? "None");
        if (options.EnableTaskRevisions)
        {
            logger.TaskRevisionsEnabled();
        }

        if (options.UseExternalKwargs)
        {
            logger.ExternalKwargsEnabled();
        }
    }

    private T Own<T>(T created)
        where T : class
    {
        lock (owned)
        {
            owned.Add(created);
        }

        return created;
    }
}
