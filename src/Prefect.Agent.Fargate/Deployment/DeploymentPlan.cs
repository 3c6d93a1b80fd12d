namespace Prefect.Agent.Fargate.Deployment;

/// <summary>What deploying one run means, computed without I/O (architecture step 3).</summary>
internal sealed class DeploymentPlan
{
    /// <summary>Gets the task definition to ensure.</summary>
    public required TaskDefinitionRequest TaskDefinition { get; init; }

    /// <summary>Gets the RunTask body without <c>taskDefinition</c> (added once the registry answered).</summary>
    public required System.Text.Json.Nodes.JsonObject RunTask { get; init; }

    /// <summary>Gets the resolved image.</summary>
    public required string Image { get; init; }

    /// <summary>Gets the flow-run command (<c>prefect execute flow-run</c> or <c>cloud-flow</c>).</summary>
    public string Command { get; init; } = string.Empty;

    /// <summary>Gets the RunTask <c>clientToken</c> (also in <see cref="RunTask"/>): a retried request never starts a second task.</summary>
    public string ClientToken { get; init; } = string.Empty;
}
