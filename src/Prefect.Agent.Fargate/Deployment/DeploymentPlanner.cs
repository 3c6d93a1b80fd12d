using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Kwargs;

namespace Prefect.Agent.Fargate.Deployment;

/// <summary>The pure part of deploying a run (reference section 3). Placeholder: the deployment work fills it.</summary>
internal sealed class DeploymentPlanner : Internal.IDeploymentPlanner
{
    /// <summary>Initializes a new instance of the <see cref="DeploymentPlanner"/> class.</summary>
    /// <param name="options">The agent's resolved options (environment fallbacks applied).</param>
    /// <param name="agentKwargs">The agent's parsed kwargs.</param>
    public DeploymentPlanner(AgentOptions options, ParsedKwargs agentKwargs)
    {
        Options = options;
        AgentKwargs = agentKwargs;
    }

    public AgentOptions Options { get; }

    public ParsedKwargs AgentKwargs { get; }

    /// <summary>Plans the deployment of a run.</summary>
    /// <param name="run">The run.</param>
    /// <param name="version">The run's version after Submitted (for the RunTask client token).</param>
    /// <param name="externalKwargs">The flow's external kwargs, if any (parsed with the same pipeline, no env fallback).</param>
    /// <returns>The plan.</returns>
    /// <exception cref="DeploymentPlanException">The run cannot be deployed (image, family, kwargs); the message is the Failed text.</exception>
    public DeploymentPlan Plan(FlowRun run, int version, JsonObject? externalKwargs) => throw new NotImplementedException();

    /// <summary>Plans <c>validate_configuration</c>'s busybox test task (reference section 6).</summary>
    /// <param name="family">The test family, <c>prefect-test-task-&lt;8 chars&gt;</c>.</param>
    /// <returns>The RegisterTaskDefinition and RunTask bodies.</returns>
    public (JsonObject RegisterTaskDefinition, JsonObject RunTask) PlanValidation(string family) => throw new NotImplementedException();
}
