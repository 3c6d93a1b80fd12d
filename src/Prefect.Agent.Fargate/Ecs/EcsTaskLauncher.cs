using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.Ecs;

/// <summary>
/// The default <see cref="ITaskLauncher"/>: ECS RunTask with the planned body (reference section 3.7), reading
/// <c>failures</c> when no task started (item 8).
/// </summary>
/// <remarks>
/// When RunTask refuses the task definition as inactive or missing (deregistered after the registry answered it), the
/// launcher throws <see cref="TaskDefinitionInactiveException"/>: the pipeline has the registry, whichever it is, ensure
/// the definition again and retries once (<see cref="ITaskDefinitionRegistry.EnsureAgainAsync"/>).
/// </remarks>
internal sealed class EcsTaskLauncher : ITaskLauncher
{
    private readonly IEcsClient client;
    private readonly ILogger logger;

    public EcsTaskLauncher(IEcsClient client, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(logger);
        this.client = client;
        this.logger = logger;
    }

    /// <inheritdoc/>
    public async Task<TaskLaunchResult> RunTaskAsync(TaskLaunchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = request.Request;
        var taskDefinition = body["taskDefinition"]?.ToString();
        logger.RunningTask(request.FlowRunId, taskDefinition);
        JsonObject response;
        try
        {
            response = await client.RunTaskAsync(body, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException e) when (EcsErrors.IsConflict(e))
        {
            throw await ConflictAsync(request, e, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException e) when (taskDefinition is not null && EcsErrors.IsTaskDefinitionInactiveOrMissing(e))
        {
            throw new TaskDefinitionInactiveException(taskDefinition, e.Message, e);
        }

        return Read(request.FlowRunId, response);
    }

    // The clientToken already started a task, with other parameters (the run was launched before, e.g. by an agent that
    // crashed before it reported): that task is the run's. ECS names it by startedBy, which the planner sets to the run id.
    private async Task<TaskLaunchConflictException> ConflictAsync(TaskLaunchRequest request, AwsServiceException error, CancellationToken cancellationToken)
    {
        var cluster = request.Request["cluster"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? request.Request["cluster"]!.GetValue<string>() : null;
        var startedBy = request.Request["startedBy"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? request.Request["startedBy"]!.GetValue<string>() : null;
        IReadOnlyList<string> existing = [];
        if (string.Equals(startedBy, request.FlowRunId, StringComparison.Ordinal))
        {
            existing = await EcsTaskMonitor.ListAsync(client, cluster, startedBy!, cancellationToken).ConfigureAwait(false);
        }

        logger.RunTaskConflict(request.FlowRunId, error.ErrorMessage ?? error.ErrorCode, existing.Count == 0 ? "no task by startedBy" : string.Join(", ", existing));
        return new TaskLaunchConflictException(error.Message, existing, error);
    }

    private TaskLaunchResult Read(string flowRunId, JsonObject response)
    {
        var tasks = response["tasks"] as JsonArray ?? [];
        if (tasks.Count == 0)
        {
            var failures = (response["failures"] as JsonArray ?? [])
                .Select(f => new TaskLaunchFailure(f?["arn"]?.ToString(), f?["reason"]?.ToString(), f?["detail"]?.ToString()))
                .ToList();
            var exception = new TaskLaunchException(failures);
            logger.TaskNotStarted(flowRunId, exception.Message);
            throw exception;
        }

        var arns = tasks.Select(t => t?["taskArn"]?.ToString()).ToList();
        if (tasks.Count > 1)
        {
            // The kwargs pipeline refuses count > 1; a task launcher answering more is a bug worth stopping on, and the
            // message names every task so they can be stopped.
            var list = string.Join(", ", arns.Select(a => a ?? "(no arn)"));
            logger.TooManyTasksStarted(flowRunId, tasks.Count, list);
            throw new InvalidOperationException(
                $"ECS RunTask started {tasks.Count} tasks for flow run {flowRunId} ({list}); the agent starts exactly one. Remove 'count' from the run kwargs.");
        }

        var taskArn = arns[0];
        if (string.IsNullOrEmpty(taskArn))
        {
            throw new InvalidOperationException($"ECS RunTask answered a task without taskArn for flow run {flowRunId}.");
        }

        logger.TaskStarted(flowRunId, taskArn);
        return new TaskLaunchResult { TaskArn = taskArn };
    }
}
