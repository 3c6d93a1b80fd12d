using Microsoft.Extensions.Logging;
using Prefect.Agent.Fargate.Deployment;
using Prefect.Agent.Fargate.Diagnostics;

namespace Prefect.Agent.Fargate.Pipeline;

/// <summary>
/// Steps 4 and 5 of a run: ensure the task definition, then launch. When the launcher says RunTask refused the
/// definition as inactive or missing (<see cref="TaskDefinitionInactiveException"/>, e.g. deregistered after the
/// registry answered it), the registry, whichever it is, ensures it again (<see cref="ITaskDefinitionRegistry.EnsureAgainAsync"/>)
/// and RunTask is retried once with the same body (clientToken included: ECS records a token only for a request that
/// started tasks).
/// </summary>
internal static class DefinitionAndLaunch
{
    /// <summary>Ensures the plan's definition and launches its RunTask body, recovering once from a refused definition.</summary>
    /// <param name="registry">The task-definition registry.</param>
    /// <param name="launcher">The task launcher.</param>
    /// <param name="plan">The run's plan; its bodies are handed to the seams (which may change them).</param>
    /// <param name="planAgain">Plans the run afresh for the retry (the seams own the first bodies).</param>
    /// <param name="flowRunId">The flow run id.</param>
    /// <param name="definitionResolved">Told each <c>taskDefinition</c> the registry answers, before it is launched.</param>
    /// <param name="definitionWait">How the run waits for a definition the registry did not answer at once (the agent gives the run's slot back meanwhile); <see langword="null"/>: it just waits.</param>
    /// <param name="logger">The agent's logger.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The launcher's answer.</returns>
    public static async Task<TaskLaunchResult> EnsureAndLaunchAsync(
        ITaskDefinitionRegistry registry,
        ITaskLauncher launcher,
        DeploymentPlan plan,
        Func<DeploymentPlan> planAgain,
        string flowRunId,
        Action<string>? definitionResolved,
        Func<Func<Task<string>>, Task<string>>? definitionWait,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var ensure = () => registry.EnsureAsync(plan.TaskDefinition, cancellationToken);
        var taskDefinition = await (definitionWait is null ? ensure() : definitionWait(ensure)).ConfigureAwait(false);
        definitionResolved?.Invoke(taskDefinition);
        plan.RunTask["taskDefinition"] = taskDefinition;
        try
        {
            return await launcher.RunTaskAsync(new TaskLaunchRequest { FlowRunId = flowRunId, Request = plan.RunTask }, cancellationToken).ConfigureAwait(false);
        }
        catch (TaskDefinitionInactiveException refused) when (string.Equals(refused.TaskDefinition, taskDefinition, StringComparison.Ordinal))
        {
            // Only the answer the registry gave is its to renew: a launcher that named another definition keeps its error.
            logger.TaskDefinitionInactiveOnRun(flowRunId, taskDefinition, refused.Message);
            var again = planAgain();
            var renewed = await registry.EnsureAgainAsync(again.TaskDefinition, taskDefinition, cancellationToken).ConfigureAwait(false);
            definitionResolved?.Invoke(renewed);
            again.RunTask["taskDefinition"] = renewed;
            return await launcher.RunTaskAsync(new TaskLaunchRequest { FlowRunId = flowRunId, Request = again.RunTask }, cancellationToken).ConfigureAwait(false);
        }
    }
}
