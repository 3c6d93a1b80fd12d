using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Deployment;

/// <summary>
/// The seam over <see cref="DeploymentPlanner"/>, so the agent's pipeline can be tested with a fake plan (the plan
/// itself is tested exhaustively on its own).
/// </summary>
internal interface IDeploymentPlanner
{
    /// <inheritdoc cref="DeploymentPlanner.Plan(FlowRun, int, JsonObject?)"/>
    DeploymentPlan Plan(FlowRun run, int version, JsonObject? externalKwargs);

    /// <inheritdoc cref="DeploymentPlanner.Plan(FlowRun, int, JsonObject?, string?)"/>
    DeploymentPlan Plan(FlowRun run, int version, JsonObject? externalKwargs, string? registeredTenantId) => Plan(run, version, externalKwargs);

    /// <inheritdoc cref="DeploymentPlanner.PlanValidation(string)"/>
    (JsonObject RegisterTaskDefinition, JsonObject RunTask) PlanValidation(string family);
}
