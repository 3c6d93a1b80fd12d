namespace Prefect.Agent.Fargate;

/// <summary>
/// The agent: polls the Prefect backend for scheduled flow runs whose labels match, and launches each as an ECS task.
/// The counterpart of Prefect 0.15's Python <c>FargateAgent</c>.
/// </summary>
public sealed class FargateAgent : IAsyncDisposable
{
    /// <summary>Initializes a new instance of the <see cref="FargateAgent"/> class with the default Prefect, ECS and S3 implementations.</summary>
    /// <param name="options">The options; a snapshot is taken, with the original's environment fallbacks applied.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid; the message lists every error.</exception>
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
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid; the message lists every error.</exception>
    public FargateAgent(
        AgentOptions options,
        IFlowRunSource? flowRunSource,
        ITaskDefinitionRegistry? taskDefinitionRegistry = null,
        ITaskLauncher? taskLauncher = null,
        IExternalKwargsProvider? externalKwargsProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        throw new NotImplementedException();
    }

    /// <summary>
    /// Registers with the backend, then polls until <see cref="AgentOptions.MaxPolls"/> is reached, the token is
    /// cancelled or <see cref="StopAsync"/> is called; completes only then, after in-flight deployments drained.
    /// Like the original <c>start()</c>.
    /// </summary>
    /// <param name="cancellationToken">Stops the agent (with a drain) when cancelled.</param>
    /// <returns>A task that completes when the agent has stopped.</returns>
    /// <exception cref="PrefectAuthenticationException">The backend refused the credentials.</exception>
    /// <exception cref="InvalidOperationException">The agent was already started.</exception>
    public Task StartAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Stops polling and waits for in-flight deployments, up to <see cref="AgentOptions.ShutdownDrainTimeout"/>.</summary>
    /// <param name="cancellationToken">Abandons the drain when cancelled.</param>
    /// <returns>A task that completes when the agent has stopped.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Deploys one flow run: claims it, launches its ECS task, and reports back (Submitted log, or Failed).</summary>
    /// <param name="run">The flow run.</param>
    /// <param name="cancellationToken">Cancels the deployment.</param>
    /// <returns>The outcome.</returns>
    public Task<DeploymentResult> DeployFlowAsync(FlowRun run, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>
    /// The original's <c>validate_configuration</c>: registers a <c>prefect-test-task-*</c> definition with a busybox
    /// container and runs it, to prove the AWS settings work. Never called by the agent itself.
    /// </summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The ARN of the test task.</returns>
    public Task<string> ValidateConfigurationAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => throw new NotImplementedException();
}
