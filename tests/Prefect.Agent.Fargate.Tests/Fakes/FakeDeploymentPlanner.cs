using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Deployment;

namespace Prefect.Agent.Fargate.Tests.Fakes;

/// <summary>A plan without the real kwargs rules (those are tested on their own): family from the flow id, fixed body.</summary>
internal sealed class FakeDeploymentPlanner : IDeploymentPlanner
{
    public ConcurrentQueue<(string FlowRunId, int Version, JsonObject? External)> Plans { get; } = new();

    public Exception? PlanException { get; set; }

    public DeploymentPlan Plan(FlowRun run, int version, JsonObject? externalKwargs)
    {
        Plans.Enqueue((run.Id, version, externalKwargs));
        if (PlanException is { } ex)
        {
            throw ex;
        }

        var id8 = run.Flow.Id[..Math.Min(8, run.Flow.Id.Length)];
        return new DeploymentPlan
        {
            TaskDefinition = new TaskDefinitionRequest
            {
                Family = "prefect-task-" + id8,
                RegisterRequest = new JsonObject { ["family"] = "prefect-task-" + id8 },
                FlowId8 = id8,
            },
            RunTask = new JsonObject { ["cluster"] = "prefect", ["clientToken"] = run.Id + "-" + version },
            Image = "prefecthq/prefect:0.15.0",
        };
    }

    public (JsonObject RegisterTaskDefinition, JsonObject RunTask) PlanValidation(string family) =>
        (new JsonObject { ["family"] = family, ["containerDefinitions"] = new JsonArray(new JsonObject { ["image"] = "busybox" }) },
         new JsonObject { ["overrides"] = new JsonObject { ["containerOverrides"] = new JsonArray() } });
}
