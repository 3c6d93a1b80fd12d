using System.Collections.Concurrent;

namespace Prefect.Agent.Fargate.Tests.Fakes;

/// <summary>An in-memory Prefect backend: scripted polls, recorded claims, Failed states and log lines.</summary>
public sealed class FakeFlowRunSource : IFlowRunSource
{
    private readonly object gate = new();
    private readonly List<FlowRunQuery> queries = [];
    private int version = 100;

    /// <summary>Gets or sets what a poll returns (argument: the 1-based poll number); default: nothing.</summary>
    public Func<int, FlowRunQuery, FlowRunPage> OnPoll { get; set; } = (_, _) => FlowRunPage.Empty;

    /// <summary>Gets or sets the claim a MarkSubmitted returns; default: claimed at the run's version + 1.</summary>
    public Func<FlowRun, FlowRunClaim> OnMarkSubmitted { get; set; } = run => FlowRunClaim.Claimed(run.Version + 1);

    public Exception? RegisterException { get; set; }

    public Exception? WriteLogException { get; set; }

    /// <summary>Gets or sets what a log write awaits before the line is recorded; default: nothing.</summary>
    public Func<FlowRunLog, CancellationToken, Task>? OnWriteLog { get; set; }

    public AgentRegistrationRequest? Registration { get; private set; }

    public TaskCompletionSource Registered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<string> Submitted { get; } = new();

    public ConcurrentQueue<(string FlowRunId, int Version, string Message)> Failed { get; } = new();

    public ConcurrentQueue<FlowRunLog> Logs { get; } = new();

    public int PollCount
    {
        get
        {
            lock (gate)
            {
                return queries.Count;
            }
        }
    }

    public IReadOnlyList<FlowRunQuery> Queries
    {
        get
        {
            lock (gate)
            {
                return queries.ToArray();
            }
        }
    }

    public Task<AgentRegistration> RegisterAgentAsync(AgentRegistrationRequest request, CancellationToken cancellationToken)
    {
        Registration = request;
        if (RegisterException is { } ex)
        {
            throw ex;
        }

        Registered.TrySetResult();
        return Task.FromResult(new AgentRegistration { AgentId = "agent-id-" + Interlocked.Increment(ref version) });
    }

    public Task<FlowRunPage> GetReadyFlowRunsAsync(FlowRunQuery query, CancellationToken cancellationToken)
    {
        int number;
        lock (gate)
        {
            queries.Add(query);
            number = queries.Count;
        }

        return Task.FromResult(OnPoll(number, query));
    }

    public Task<FlowRunClaim> MarkSubmittedAsync(FlowRun run, CancellationToken cancellationToken)
    {
        Submitted.Enqueue(run.Id);
        return Task.FromResult(OnMarkSubmitted(run));
    }

    public Task MarkFailedAsync(FlowRun run, int version, string message, CancellationToken cancellationToken)
    {
        Failed.Enqueue((run.Id, version, message));
        return Task.CompletedTask;
    }

    public async Task WriteLogAsync(FlowRunLog log, CancellationToken cancellationToken)
    {
        if (WriteLogException is { } ex)
        {
            throw ex;
        }

        if (OnWriteLog is { } hook)
        {
            await hook(log, cancellationToken);
        }

        Logs.Enqueue(log);
    }
}
