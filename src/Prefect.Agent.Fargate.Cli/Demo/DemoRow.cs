namespace Prefect.Agent.Fargate.Cli.Demo;

/// <summary>One line of the demo's final table.</summary>
/// <param name="FlowRun">The flow run id.</param>
/// <param name="TaskDefinition">The task definition family and revision (<c>family:1</c>), if one was used.</param>
/// <param name="TaskArn">The ECS task ARN, if a task was launched.</param>
/// <param name="FinalState">The flow run's final state in the fake Prefect API, e.g. <c>Submitted</c> or <c>Failed</c>.</param>
/// <param name="Reason">Why a run Failed, as the agent reported it to Prefect (ECS's stop code and reason for a task that never started).</param>
internal sealed record DemoRow(string FlowRun, string? TaskDefinition, string? TaskArn, string FinalState, string? Reason = null);
