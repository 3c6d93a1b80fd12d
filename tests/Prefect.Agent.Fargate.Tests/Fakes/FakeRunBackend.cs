using System.Collections.Concurrent;

namespace Prefect.Agent.Fargate.Tests.Fakes;

/// <summary>An in-memory backend with run states and versions: <see cref="IFlowRunSource"/> and <see cref="IFlowRunMonitor"/>.</summary>
public sealed class FakeRunBackend : IFlowRunSource, IFlowRunMonitor
{
    private readonly object gate = new();
    private readonly Dictionary<string, (FlowRun Run, int Version, string State, string[] Labels)> runs = new(StringComparer.Ordinal);

    public ConcurrentQueue<(string FlowRunId, int Version, string Message)> Failed { get; } = new();

    /// <summary>Gets the runs as given to <see cref="MarkFailedAsync"/>.</summary>
    public ConcurrentQueue<FlowRun> FailedRuns { get; } = new();

    public ConcurrentQueue<FlowRunLog> Logs { get; } = new();

    public int StatusQueries;

    public void Add(FlowRun run, string state = "Scheduled", params string[] labels)
    {
        lock (gate)
        {
            runs[run.Id] = (run, run.Version, state, labels);
        }
    }

    public void SetState(string id, string state)
    {
        lock (gate)
        {
            var r = runs[id];
            runs[id] = (r.Run, r.Version + 1, state, r.Labels);
        }
    }

    public (int Version, string State) Get(string id)
    {
        lock (gate)
        {
            return (runs[id].Version, runs[id].State);
        }
    }

    public Task<AgentRegistration> RegisterAgentAsync(AgentRegistrationRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new AgentRegistration { AgentId = "agent" });

    public Task<FlowRunPage> GetReadyFlowRunsAsync(FlowRunQuery query, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var ready = runs.Values.Where(r => r.State == "Scheduled" && !query.Exclude.Contains(r.Run.Id))
                .Take(query.MaxRuns).Select(r => Copy(r.Run, r.Version, r.State)).ToList();
            return Task.FromResult(new FlowRunPage { Runs = ready });
        }
    }

    public Task<FlowRunClaim> MarkSubmittedAsync(FlowRun run, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var r = runs[run.Id];
            if (r.Version != run.Version || r.State != "Scheduled")
            {
                return Task.FromResult(FlowRunClaim.TakenByAnotherAgent());
            }

            runs[run.Id] = (r.Run, r.Version + 1, "Submitted", r.Labels);
            return Task.FromResult(FlowRunClaim.Claimed(r.Version + 1));
        }
    }

    public Task MarkFailedAsync(FlowRun run, int version, string message, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var r = runs[run.Id];
            if (r.Version != version)
            {
                throw new InvalidOperationException($"State update failed for flow run ID {run.Id}");
            }

            runs[run.Id] = (r.Run, r.Version + 1, "Failed", r.Labels);
        }

        Failed.Enqueue((run.Id, version, message));
        FailedRuns.Enqueue(run);
        return Task.CompletedTask;
    }

    public Task WriteLogAsync(FlowRunLog log, CancellationToken cancellationToken)
    {
        Logs.Enqueue(log);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<FlowRunStatus>> GetFlowRunStatusesAsync(IReadOnlyCollection<string> flowRunIds, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref StatusQueries);
        lock (gate)
        {
            IReadOnlyList<FlowRunStatus> found = flowRunIds.Where(runs.ContainsKey)
                .Select(id => new FlowRunStatus { Id = id, Version = runs[id].Version, State = runs[id].State }).ToList();
            return Task.FromResult(found);
        }
    }

    public Task<IReadOnlyList<FlowRunStatus>> GetSubmittedFlowRunsAsync(IReadOnlyList<string> labels, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            IReadOnlyList<FlowRunStatus> found = runs.Values.Where(r => r.State == "Submitted" && r.Labels.All(labels.Contains))
                .Select(r => new FlowRunStatus { Id = r.Run.Id, Version = r.Version, State = r.State }).ToList();
            return Task.FromResult(found);
        }
    }

    public Task<IReadOnlyList<FlowRun>> GetFlowRunsAsync(IReadOnlyCollection<string> flowRunIds, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            IReadOnlyList<FlowRun> found = flowRunIds.Where(runs.ContainsKey).Select(id => Copy(runs[id].Run, runs[id].Version, runs[id].State)).ToList();
            return Task.FromResult(found);
        }
    }

    private static FlowRun Copy(FlowRun run, int version, string state) => new()
    {
        Id = run.Id,
        Version = version,
        State = state,
        SerializedState = run.SerializedState,
        Flow = run.Flow,
    };
}
