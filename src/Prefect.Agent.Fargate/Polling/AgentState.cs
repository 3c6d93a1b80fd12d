namespace Prefect.Agent.Fargate.Polling;

/// <summary>Where an agent is in its life.</summary>
internal enum AgentState
{
    NotStarted,
    Running,
    Stopped,
    Faulted,
}
