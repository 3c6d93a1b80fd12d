namespace Prefect.Agent.Fargate.Polling;

/// <summary>The loop's health, written by the loop and read by health checks (hence the lock).</summary>
internal sealed class AgentStatus
{
    private readonly object gate = new();
    private readonly Func<int> inFlight;
    private AgentState state;
    private long polls;
    private int consecutiveFailedPolls;
    private DateTimeOffset? lastPollTime;

    public AgentStatus(Func<int> inFlight) => this.inFlight = inFlight;

    public void SetState(AgentState value)
    {
        lock (gate)
        {
            state = value;
        }
    }

    public void RecordPoll(bool succeeded, DateTimeOffset at)
    {
        lock (gate)
        {
            polls++;
            consecutiveFailedPolls = succeeded ? 0 : consecutiveFailedPolls + 1;
            lastPollTime = at;
        }
    }

    public AgentStatusSnapshot Snapshot()
    {
        lock (gate)
        {
            return new AgentStatusSnapshot(state, polls, consecutiveFailedPolls, inFlight(), lastPollTime);
        }
    }
}
