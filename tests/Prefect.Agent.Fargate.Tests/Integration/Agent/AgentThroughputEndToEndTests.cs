using Prefect.Agent.Fargate.Testing.Prefect;
using Prefect.Agent.Fargate.Tests.Fakes;
using Xunit.Abstractions;

namespace Prefect.Agent.Fargate.Tests.Integration.Agent;

/// <summary>Issue 7's behaviours with the real fakes: call counts per run, never timings.</summary>
public sealed class AgentThroughputEndToEndTests(ITestOutputHelper output)
{
    private const int Runs = 60;

    [Fact]
    public async Task StartAsync_SixtyRunsOfOneFlow_AllSubmittedWithFewCallsPerRun()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        var flowId = Guid.NewGuid().ToString();
        var runs = Enumerable.Range(0, Runs)
            .Select(i => e2e.Api.AddFlowRun(new FakeFlowRunOptions { FlowName = "Fan-out flow", FlowId = flowId, Labels = ["aws"], Image = AgentEndToEnd.Image }))
            .ToList();
        var options = e2e.Options(maxPolls: null);
        options.MaxConcurrentDeployments = 16;

        // Long idle intervals: once the queue is drained the agent waits, so every further poll it made was
        // because a page was full (or a slot freed while all were busy), not because time passed.
        options.PollIntervals = [TimeSpan.FromMinutes(5)];

        // This test counts the polling's calls: the task watch's and the reconciler's flow_run queries are not polls.
        options.TaskWatchInterval = TimeSpan.Zero;
        options.ReconcileInterval = TimeSpan.Zero;
        await using var agent = e2e.CreateAgent(options);
        var running = agent.StartAsync();
        await Eventually.TrueAsync(() => runs.All(r => r.State == "Submitted") && e2e.Api.Logs.Count(l => l.Message!.StartsWith("Submitted for execution", StringComparison.Ordinal)) == Runs, "every run is Submitted and logged");
        await agent.StopAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(runs, r => Assert.Equal(["Submitted"], r.States.Select(s => s.Type)));
        Assert.Equal(Runs, e2e.Ecs.Tasks.Count);
        Assert.Equal(1, e2e.Ecs.GetCallCount("RegisterTaskDefinition"));
        Assert.Equal(Runs, e2e.Ecs.GetCallCount("RunTask"));
        Assert.True(e2e.Ecs.Requests.Count <= Runs * 1.05, $"ECS calls: {Describe(e2e.Ecs.CallCounts)}");

        // The original's per-run calls were one set_flow_run_states and one write_run_logs: both take lists, so the
        // runs deployed together share calls (each state with its own version).
        // A page's claims share a document with the next poll (issue 15): fields are counted, not documents.
        var calls = e2e.Api.Requests.SelectMany(r => r.Operation.Split(',')).GroupBy(f => f).ToDictionary(g => g.Key, g => g.Count());
        Assert.InRange(calls["set_flow_run_states"], 1, Runs / 2);
        Assert.Equal(Runs, e2e.Api.Requests.Where(r => r.Operation.Split(',').Contains("set_flow_run_states")).Sum(r => AgentEndToEnd.ClaimsIn(r).Count));
        Assert.InRange(calls["write_run_logs"], 1, Runs);
        Assert.Equal(Runs, e2e.Api.Logs.Count);

        // A full page (16 free slots or 25 ids) re-polls at once; otherwise the loop waits for a free slot. So the
        // polls are at most one per dispatch round: the first page, then one per slot freed while all 16 were busy,
        // which here is bounded by the runs left after the first page. Well under one poll per run means the agent
        // asked for pages, not runs; the metadata query follows each non-empty poll only.
        var polls = calls["get_runs_in_queue"];
        output.WriteLine($"Prefect: {Describe(calls)}; ECS: {Describe(e2e.Ecs.CallCounts)}");
        Assert.InRange(polls, (Runs + 15) / 16, Runs - 16 + 2);
        Assert.True(calls.GetValueOrDefault("flow_run") <= polls, Describe(calls));
        Assert.Empty(e2e.PrefectErrors());
        Assert.Equal(0, e2e.Ecs.ThrottledCount);
    }

    private static string Describe(IReadOnlyDictionary<string, int> counts) => string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}"));
}
