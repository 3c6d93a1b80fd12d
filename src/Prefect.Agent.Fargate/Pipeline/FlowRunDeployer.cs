using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Prefect.Agent.Fargate.Deployment;
using Prefect.Agent.Fargate.Diagnostics;

namespace Prefect.Agent.Fargate.Pipeline;

/// <summary>
/// The per-run pipeline (architecture steps 1-6): claim, external kwargs, plan, task definition, launch, report back.
/// </summary>
internal sealed class FlowRunDeployer
{
    private readonly AgentOptions options;
    private readonly Func<IFlowRunSource> source;
    private readonly Func<ITaskDefinitionRegistry> registry;
    private readonly Func<ITaskLauncher> launcher;
    private readonly Func<IExternalKwargsProvider> externalKwargs;
    private readonly IDeploymentPlanner planner;
    private readonly AgentTelemetry telemetry;
    private readonly ILogger logger;
    private readonly TimeProvider timeProvider;

    /// <summary>The back-off before the first retry (before jitter).</summary>
    internal static readonly TimeSpan DefaultFirstRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The longest back-off between two attempts (before jitter).</summary>
    internal static readonly TimeSpan DefaultMaxRetryDelay = TimeSpan.FromSeconds(30);

    public FlowRunDeployer(
        AgentOptions options,
        Func<IFlowRunSource> source,
        Func<ITaskDefinitionRegistry> registry,
        Func<ITaskLauncher> launcher,
        Func<IExternalKwargsProvider> externalKwargs,
        IDeploymentPlanner planner,
        AgentTelemetry telemetry,
        ILogger logger)
    {
        this.options = options;
        this.source = source;
        this.registry = registry;
        this.launcher = launcher;
        this.externalKwargs = externalKwargs;
        this.planner = planner;
        this.telemetry = telemetry;
        this.logger = logger;
        timeProvider = options.TimeProvider;
    }

    /// <summary>Gets the back-off before the first retry (before jitter); tests shorten it through the composition.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = DefaultFirstRetryDelay;

    /// <summary>Gets the longest back-off between two attempts (before jitter).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = DefaultMaxRetryDelay;

    /// <summary>Gets or sets the tenant the backend answered at registration (the flow container's tenant with the API key).</summary>
    public string? RegisteredTenantId { get; set; }

    /// <summary>
    /// Gets or sets how a run waits out its retry back-off (run id, delay, cancellation): the agent's poll loop gives the
    /// run's slot back meanwhile; <see langword="null"/> just waits on the clock.
    /// </summary>
    public Func<string, TimeSpan, CancellationToken, Task>? RetryWait { get; set; }

    /// <summary>
    /// Gets or sets how a run waits for a task definition the registry does not answer at once (run id, the registry's
    /// call, cancellation): the agent's poll loop gives the run's slot to runs that can launch meanwhile;
    /// <see langword="null"/> just waits.
    /// </summary>
    public Func<string, Func<Task<string>>, CancellationToken, Task<string>>? DefinitionWait { get; set; }

    /// <summary>Deploys one run.</summary>
    /// <param name="run">The run.</param>
    /// <param name="cancellationToken">Cancels the deployment.</param>
    /// <param name="trailing">
    /// Takes the Submitted log line's write instead of awaiting it, so that the caller's slot is free as soon as the
    /// task runs (the line waits up to a flush interval for its batch); <see langword="null"/> awaits it.
    /// </param>
    /// <param name="claim">The run's claim when the poll loop made it together with its page's; <see langword="null"/>: claim it here.</param>
    /// <returns>The outcome.</returns>
    public async Task<DeploymentResult> DeployAsync(FlowRun run, CancellationToken cancellationToken, Action<Task>? trailing = null, FlowRunClaimAttempt? claim = null)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["AgentName"] = options.Name,
            ["FlowRunId"] = run.Id,
        });
        using var activity = AgentTelemetry.ActivitySource.StartActivity(AgentInstruments.DeployActivity);
        activity?.SetTag(AgentInstruments.FlowRunIdTag, run.Id);
        var started = timeProvider.GetTimestamp();
        var result = await DeployCoreAsync(run, claim, trailing, cancellationToken).ConfigureAwait(false);

        var outcome = result.Status switch
        {
            DeploymentStatus.Submitted => "submitted",
            DeploymentStatus.Failed => "failed",
            DeploymentStatus.Skipped => "skipped",
            _ => "not_claimed",
        };
        activity?.SetTag(AgentInstruments.OutcomeTag, outcome);
        telemetry.DeploymentDuration.Record(timeProvider.GetElapsedTime(started).TotalSeconds, telemetry.AgentTag, telemetry.Outcome(outcome));
        if (result.Status == DeploymentStatus.Submitted)
        {
            telemetry.FlowRunsDeployed.Add(1, telemetry.AgentTag);
        }
        else if (result.Status == DeploymentStatus.Failed)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Error);
            telemetry.FlowRunsFailed.Add(1, telemetry.AgentTag);
        }

        return result;
    }

    /// <summary>
    /// Gets or sets the observer told of every task launched for a claimed run (the task watch): the run, the task ARN
    /// and its cluster (<see langword="null"/> for the default).
    /// </summary>
    public Action<ClaimedFlowRun, string, string?>? Launched { get; set; }

    /// <summary>Where a claimed run's task lives: plans the run (with its external kwargs) without any ECS call.</summary>
    /// <param name="claimed">The claimed run.</param>
    /// <param name="cancellationToken">Cancels the external kwargs read.</param>
    /// <returns>The cluster and the startedBy of its RunTask.</returns>
    public async Task<TaskScope> ResolveTaskScopeAsync(ClaimedFlowRun claimed, CancellationToken cancellationToken)
    {
        var (run, version) = claimed;
        JsonObject? external = null;
        if (options.UseExternalKwargs)
        {
            external = await externalKwargs().GetKwargsAsync(run, cancellationToken).ConfigureAwait(false);
        }

        var plan = planner.Plan(run, version, external, RegisteredTenantId);
        return new TaskScope(TextOf(plan.RunTask["cluster"]), TextOf(plan.RunTask["startedBy"]));
    }

    public async Task<string> ValidateConfigurationAsync(CancellationToken cancellationToken)
    {
        var id8 = Guid.NewGuid().ToString("N")[..8];
        var family = "prefect-test-task-" + id8;
        var (register, run) = planner.PlanValidation(family);

        logger.TestingTaskDefinitionRegistration();
        var definition = await registry().EnsureAsync(
            new TaskDefinitionRequest { Family = family, RegisterRequest = register, FlowId8 = id8, TaskRevisions = false },
            cancellationToken).ConfigureAwait(false);
        logger.TaskDefinitionRegistrationSuccessful();

        run["taskDefinition"] = definition;
        logger.TestingTaskRun();

        // There is no flow run: the family stands in for its id (it names the client token and the logs).
        var launched = await launcher().RunTaskAsync(new TaskLaunchRequest { FlowRunId = family, Request = run }, cancellationToken).ConfigureAwait(false);
        logger.TaskRunSuccessful(launched.TaskArn);
        return launched.TaskArn;
    }

    private async Task<DeploymentResult> DeployCoreAsync(FlowRun run, FlowRunClaimAttempt? made, Action<Task>? trailing, CancellationToken cancellationToken)
    {
        logger.Deploying(run.Id);
        var claim = made is { } attempt ? Outcome(run, attempt) : await ClaimAsync(run, cancellationToken).ConfigureAwait(false);
        return claim.Claimed is { } claimed
            ? await LaunchClaimedAsync(claimed, trailing, cancellationToken).ConfigureAwait(false)
            : claim.Result!;
    }

    /// <summary>Step 1: marks the run Submitted under its version lock; from then on the run is the agent's.</summary>
    /// <param name="run">The run, with the version read with its metadata.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The claimed run, or the result of a run that is not ours (taken by another agent, or the claim failed).</returns>
    public async Task<ClaimOutcome> ClaimAsync(FlowRun run, CancellationToken cancellationToken)
    {
        logger.UpdatingToSubmitted(run.Id);
        try
        {
            return Outcome(run, new FlowRunClaimAttempt(await source().MarkSubmittedAsync(run, cancellationToken).ConfigureAwait(false), null));
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return Outcome(run, new FlowRunClaimAttempt(default, ex));
        }
    }

    private ClaimOutcome Outcome(FlowRun run, FlowRunClaimAttempt attempt)
    {
        if (attempt.Error is { } error)
        {
            // Not ours (yet): no deployment and no Failed state; the run stays Scheduled for the next poll.
            logger.ClaimFailed(error, run.Id);
            return new ClaimOutcome(null, new DeploymentResult { FlowRunId = run.Id, Status = DeploymentStatus.NotClaimed, Error = error.Message });
        }

        if (!attempt.Claim.IsClaimed)
        {
            logger.TakenByAnotherAgent(run.Id);
            return new ClaimOutcome(null, new DeploymentResult { FlowRunId = run.Id, Status = DeploymentStatus.Skipped });
        }

        return new ClaimOutcome(new ClaimedFlowRun(run, attempt.Claim.Version), null);
    }

    /// <summary>
    /// Steps 2-6 for a run the agent owns: external kwargs, plan, task definition, launch, report back (Submitted line,
    /// or Failed). The RunTask clientToken depends on the run and its claimed version only, so launching the same
    /// claimed run again never starts a second task.
    /// </summary>
    /// <param name="claimed">The run and its version after Submitted.</param>
    /// <param name="trailing">Takes the Submitted line's write instead of awaiting it (see <see cref="DeployAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the deployment.</param>
    /// <returns>
    /// The outcome: Submitted, or Failed after a permanent error, after <see cref="AgentOptions.CapacityRetries"/> capacity
    /// retries, or when the next retry would pass <see cref="AgentOptions.DeploymentRetryTimeout"/>.
    /// </returns>
    public async Task<DeploymentResult> LaunchClaimedAsync(ClaimedFlowRun claimed, Action<Task>? trailing, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var attempt = 0;
        var capacityRetries = 0;
        string? taskDefinition = null;
        while (true)
        {
            attempt++;
            Exception error;
            try
            {
                return await LaunchOnceAsync(claimed, trailing, definition => taskDefinition = definition, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                error = ex;
            }

            var (kind, reason) = DeploymentFaults.Classify(error, cancellationToken);
            var delay = RetryDelay(attempt);
            var withinDeadline = timeProvider.GetElapsedTime(started) + delay <= options.DeploymentRetryTimeout;
            var retry = kind switch
            {
                DeploymentFaultKind.Transient => withinDeadline,
                DeploymentFaultKind.Capacity => withinDeadline && capacityRetries++ < options.CapacityRetries,
                _ => false,
            };
            if (!retry)
            {
                return await FailAsync(claimed, taskDefinition, error, attempt, cancellationToken).ConfigureAwait(false);
            }

            logger.RetryingDeployment(claimed.Run.Id, delay.TotalSeconds, reason, attempt + 1);
            telemetry.DeploymentRetries.Add(1, telemetry.AgentTag, telemetry.Reason(reason));
            telemetry.RetryWaitStarted();
            try
            {
                // The same claimed run and version: the retry's RunTask carries the same clientToken.
                await (RetryWait?.Invoke(claimed.Run.Id, delay, cancellationToken) ?? Task.Delay(delay, timeProvider, cancellationToken)).ConfigureAwait(false);
            }
            finally
            {
                telemetry.RetryWaitEnded();
            }
        }
    }

    private static string? TextOf(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>
    /// The back-off before the retry that follows attempt <paramref name="attempt"/>: exponential from 1 s, capped at
    /// 30 s, with "equal jitter" (half fixed, half random) so that runs throttled together do not retry together.
    /// Hand-written: Polly computes its delays only inside a running pipeline, and each wait here must free the run's
    /// time (and be drained) on the agent's own terms.
    /// </summary>
    /// <param name="attempt">The attempt that failed (1-based).</param>
    /// <returns>The delay.</returns>
    internal TimeSpan RetryDelay(int attempt)
    {
        var ceiling = Math.Min(MaxRetryDelay.TotalSeconds, FirstRetryDelay.TotalSeconds * Math.Pow(2, Math.Min(attempt - 1, 16)));
#pragma warning disable CA5394 // Jitter, not security.
        return TimeSpan.FromSeconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
#pragma warning restore CA5394
    }

    private async Task<DeploymentResult> LaunchOnceAsync(ClaimedFlowRun claimed, Action<Task>? trailing, Action<string> definitionResolved, CancellationToken cancellationToken)
    {
        var (run, version) = claimed;
        JsonObject? external = null;
        if (options.UseExternalKwargs)
        {
            external = await externalKwargs().GetKwargsAsync(run, cancellationToken).ConfigureAwait(false);
        }

        var plan = planner.Plan(run, version, external, RegisteredTenantId);
        var cluster = TextOf(plan.RunTask["cluster"]);
        string? taskDefinition = null;
        TaskLaunchResult launched;
        try
        {
            launched = await DefinitionAndLaunch.EnsureAndLaunchAsync(
                registry(),
                launcher(),
                plan,
                () => planner.Plan(run, version, external, RegisteredTenantId),
                run.Id,
                definition =>
                {
                    taskDefinition = definition;
                    definitionResolved(definition);
                },
                DefinitionWait is { } wait ? ensuring => wait(run.Id, ensuring, cancellationToken) : null,
                logger,
                cancellationToken).ConfigureAwait(false);
        }
        catch (TaskLaunchConflictException conflict)
        {
            // The clientToken already started this run's task (an earlier launch whose answer was lost, a crash, another
            // agent): the run has its task, never a reason to fail it.
            var existing = conflict.ExistingTaskArns.Count > 0 ? conflict.ExistingTaskArns[0] : null;
            logger.LaunchConflict(run.Id, existing ?? "(not found by startedBy)");
            if (existing is not null)
            {
                Launched?.Invoke(claimed, existing, cluster);
            }

            return new DeploymentResult { FlowRunId = run.Id, Status = DeploymentStatus.Submitted, TaskDefinition = taskDefinition, TaskArn = existing };
        }

        logger.DeploymentCompleted(run.Id);
        Launched?.Invoke(claimed, launched.TaskArn, cluster);
        var submitted = "Submitted for execution: Task ARN: " + launched.TaskArn;
        if (trailing is null)
        {
            await WriteLogAsync(run, "INFO", submitted, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            trailing(WriteTrailingLogAsync(run, submitted, cancellationToken));
        }

        return new DeploymentResult { FlowRunId = run.Id, Status = DeploymentStatus.Submitted, TaskDefinition = taskDefinition, TaskArn = launched.TaskArn };
    }

    private async Task<DeploymentResult> FailAsync(ClaimedFlowRun claimed, string? taskDefinition, Exception ex, int attempts, CancellationToken cancellationToken)
    {
        var (run, version) = claimed;
        var message = attempts > 1 ? $"{ex.Message} (gave up after {attempts} attempts)" : ex.Message;
        logger.DeploymentFailed(ex, run.Id);
        await WriteLogAsync(run, "ERROR", message, cancellationToken).ConfigureAwait(false);
        logger.UpdatingToFailed(run.Id);
        try
        {
            // The version after Submitted: the one read with the metadata is stale by now (item 19).
            await source().MarkFailedAsync(run, version, message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception markFailed) when (!(markFailed is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            logger.MarkFailedFailed(markFailed, run.Id);
        }

        logger.DeploymentAborted(run.Id);
        return new DeploymentResult { FlowRunId = run.Id, Status = DeploymentStatus.Failed, TaskDefinition = taskDefinition, Error = message };
    }

    // Trailing work must not fault: a drain timeout cancelling the line is logged like any other failed write.
    private async Task WriteTrailingLogAsync(FlowRun run, string message, CancellationToken cancellationToken)
    {
        try
        {
            await WriteLogAsync(run, "INFO", message, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex)
        {
            logger.WriteLogFailed(ex, run.Id);
        }
    }

    // A log line that cannot be written never stops what comes next (item 20: the original then never set Failed).
    private async Task WriteLogAsync(FlowRun run, string level, string message, CancellationToken cancellationToken)
    {
        try
        {
            var log = new FlowRunLog { FlowRunId = run.Id, Name = options.Name!, Level = level, Message = message, Timestamp = timeProvider.GetUtcNow() };
            await source().WriteLogAsync(log, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            logger.WriteLogFailed(ex, run.Id);
        }
    }
}
