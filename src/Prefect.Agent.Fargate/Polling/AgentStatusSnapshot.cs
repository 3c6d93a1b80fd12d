namespace Prefect.Agent.Fargate.Polling;

/// <summary>A consistent view of an agent's status, for health checks.</summary>
/// <param name="State">Where the agent is in its life.</param>
/// <param name="Polls">Polls done so far.</param>
/// <param name="ConsecutiveFailedPolls">Polls that failed in a row, up to the last one.</param>
/// <param name="InFlight">Runs being deployed or waiting for their start time.</param>
/// <param name="LastPollTime">When the last poll finished.</param>
internal sealed record AgentStatusSnapshot(AgentState State, long Polls, int ConsecutiveFailedPolls, int InFlight, DateTimeOffset? LastPollTime);
