using Microsoft.Extensions.Logging.Testing;
using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Testing.Prefect;

namespace Prefect.Agent.Fargate.Tests.Integration.Agent;

/// <summary>
/// Issue 11 as a user meets it: the real agent over HTTP against a FakeEcs having a bad moment. The agent runs on the
/// real clock with its back-offs cut to milliseconds (<see cref="AgentEndToEnd.FastRetries"/>); the tests assert
/// outcomes (states, tasks, calls, messages), never timings.
/// </summary>
public sealed class AgentFaultsEndToEndTests
{
    [Fact]
    public async Task StartAsync_ThrottlingAndServerErrors_EveryHealthyRunLaunchedOnce_OnlyTheUnplaceableFail()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        e2e.FastRetries = true;
        var healthy = Enumerable.Range(0, 20).Select(i => e2e.AddRun(i % 2 == 0 ? "Flow A" : "Flow B")).ToList();
        var unplaceable = Enumerable.Range(0, 10).Select(_ => e2e.AddRun("Flow too big")).ToList();
        e2e.Ecs.AddCapacityShortage(new FakeEcsCapacityShortage { Family = Family(unplaceable[0]), Reason = "RESOURCE:MEMORY", ClearsAfter = null });
        e2e.Ecs.SetRandomFaults(new FakeEcsRandomFaults { ThrottlingRate = 0.30, ServerErrorRate = 0.05, Seed = 11 });

        // No poll limit (Prefect Server answers 25 ids a poll, the runs being claimed among them): the agent runs until
        // every run has an outcome, or a generous guard against a hang, then stops with a drain.
        await using (var agent = e2e.CreateAgent(e2e.Options(maxPolls: null)))
        {
            var running = agent.StartAsync();
            var guard = System.Diagnostics.Stopwatch.StartNew();
            while (guard.Elapsed < TimeSpan.FromSeconds(90) && !running.IsCompleted
                && !(healthy.All(r => e2e.Ecs.Tasks.Any(t => t.Task["startedBy"]!.GetValue<string>() == r.Id)) && unplaceable.All(r => r.State == "Failed")))
            {
                await Task.WhenAny(running, Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System));
            }

            await agent.StopAsync();
            await running.WaitAsync(TimeSpan.FromSeconds(60));
        }

        Assert.All(healthy, run => Assert.Equal("Submitted", run.State));
        var tasksByRun = e2e.Ecs.Tasks.GroupBy(t => t.Task["startedBy"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        Assert.Equal(healthy.Select(r => r.Id).Order(StringComparer.Ordinal), tasksByRun.Keys.Order(StringComparer.Ordinal));
        Assert.All(tasksByRun.Values, count => Assert.Equal(1, count));

        // The cluster that cannot place the big flow fails those runs (and only those) with ECS's reason.
        Assert.All(unplaceable, run =>
        {
            Assert.Equal("Failed", run.State);
            Assert.Contains("RESOURCE:MEMORY", run.StateMessage, StringComparison.Ordinal);
        });

        // The faults did happen, and every retry of a run's RunTask carried that run's one clientToken.
        Assert.True(e2e.Ecs.ThrottledCount > 0);
        Assert.Contains(e2e.Ecs.Requests, r => r.StatusCode == 500);
        Assert.All(
            e2e.Calls("RunTask").GroupBy(r => AgentEndToEnd.Body(r)["startedBy"]!.GetValue<string>()),
            calls => Assert.Single(calls.Select(c => AgentEndToEnd.Body(c)["clientToken"]!.GetValue<string>()).Distinct()));
        Assert.Empty(e2e.PrefectErrors());
    }

    [Fact]
    public async Task StartAsync_SharedRegistrationFailsWhileRunsWait_NoRunFails_EachRetriesOnItsOwn()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        e2e.FastRetries = true;
        var runs = Enumerable.Range(0, 6).Select(_ => e2e.AddRun("Shared flow")).ToList();

        // One registration for all six runs, failing after every per-call attempt (3, botocore's standard mode); the
        // first answer comes late, so that every run is waiting for the shared call when it fails.
        e2e.Ecs.InjectFault("RegisterTaskDefinition", FakeEcsFault.ServerError().After(TimeSpan.FromSeconds(1.5)));
        e2e.Ecs.InjectFault("RegisterTaskDefinition", FakeEcsFault.ServerError(), times: 2);

        await e2e.RunAsync(e2e.Options());

        Assert.All(runs, run => Assert.Equal("Submitted", run.State));
        Assert.Equal(runs.Select(r => r.Id).Order(StringComparer.Ordinal), e2e.Ecs.Tasks.Select(t => t.Task["startedBy"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var registrations = e2e.Calls("RegisterTaskDefinition");
        Assert.Equal([500, 500, 500, 200], registrations.Select(r => r.StatusCode));
        Assert.Single(e2e.Ecs.TaskDefinitions);

        // The shared failure reached every waiting run as a retry (each on its own back-off), never as its failure.
        var retried = RetryLogs(e2e.Logs).Select(r => r.FlowRunId).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(runs.Select(r => r.Id).Order(StringComparer.Ordinal), retried);
        Assert.All(RetryLogs(e2e.Logs), r => Assert.Equal("ServerException", r.Reason));
    }

    [Fact]
    public async Task StartAsync_CapacityClearsAfterTwoAttempts_RunLaunchedWithOneClientToken()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        e2e.FastRetries = true;
        var run = e2e.AddRun();
        e2e.Ecs.AddCapacityShortage(new FakeEcsCapacityShortage { Family = Family(run), Reason = "RESOURCE:CPU", ClearsAfter = 2 });

        await e2e.RunAsync(e2e.Options());

        Assert.Equal("Submitted", run.State);
        var task = Assert.Single(e2e.Ecs.Tasks);
        Assert.Equal(run.Id, task.Task["startedBy"]!.GetValue<string>());
        var calls = e2e.Calls("RunTask");
        Assert.Equal(3, calls.Count);
        Assert.Single(calls.Select(c => AgentEndToEnd.Body(c)["clientToken"]!.GetValue<string>()).Distinct());
        Assert.Equal(["RESOURCE:CPU", "RESOURCE:CPU"], RetryLogs(e2e.Logs).Select(r => r.Reason));
        Assert.Contains(e2e.Api.Logs, l => l.FlowRunId == run.Id && l.Message == "Submitted for execution: Task ARN: " + task.TaskArn);
    }

    [Fact]
    public async Task StartAsync_CapacityNeverClears_FailsAfterCapacityRetriesWithEcsReasonAndAttempts()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        e2e.FastRetries = true;
        var run = e2e.AddRun();
        e2e.Ecs.AddCapacityShortage(new FakeEcsCapacityShortage
        {
            Family = Family(run),
            Reason = "RESOURCE:MEMORY",
            Detail = "No container instance met all of its requirements.",
            ClearsAfter = null,
        });
        var options = e2e.Options();
        options.CapacityRetries = 2;

        await e2e.RunAsync(options);

        Assert.Equal("Failed", run.State);
        Assert.Contains("reason=RESOURCE:MEMORY", run.StateMessage, StringComparison.Ordinal);
        Assert.Contains("detail=No container instance met all of its requirements.", run.StateMessage, StringComparison.Ordinal);
        Assert.Contains("(gave up after 3 attempts)", run.StateMessage, StringComparison.Ordinal);
        Assert.Equal(3, e2e.Calls("RunTask").Count);
        Assert.Empty(e2e.Ecs.Tasks);
        Assert.Contains(e2e.Api.Logs, l => l.FlowRunId == run.Id && l.Level == "ERROR" && l.Message == run.StateMessage);
    }

    [Fact]
    public async Task StartAsync_TransientFaultsUntilTheDeadline_FailsWithTheLastReason()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        e2e.FastRetries = true;
        var run = e2e.AddRun();

        // Throttled first, then HTTP 500 for good: the message names the last fault, not the first.
        e2e.Ecs.InjectFault("RunTask", FakeEcsFault.Throttling(), times: 3);
        e2e.Ecs.SetRandomFaults(new FakeEcsRandomFaults { ServerErrorRate = 1 }, "RunTask");
        var options = e2e.Options();
        options.DeploymentRetryTimeout = TimeSpan.FromMilliseconds(300);

        await e2e.RunAsync(options);

        Assert.Equal("Failed", run.State);
        Assert.Contains("ServerException", run.StateMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("Throttling", run.StateMessage, StringComparison.Ordinal);
        var attempts = e2e.Calls("RunTask").Count / 3;
        Assert.True(attempts >= 2, $"{attempts} agent attempts");
        Assert.Contains($"(gave up after {attempts} attempts)", run.StateMessage, StringComparison.Ordinal);
        Assert.Single(e2e.Calls("RunTask").Select(c => AgentEndToEnd.Body(c)["clientToken"]!.GetValue<string>()).Distinct());
        Assert.Empty(e2e.Ecs.Tasks);
    }

    private static string Family(FakeFlowRun run) => "prefect-task-" + run.FlowId[..8];

    private static List<(string FlowRunId, string Reason)> RetryLogs(FakeLoggerProvider logs) =>
        logs.Collector.GetSnapshot()
            .Where(r => r.Id.Name == "RetryingDeployment")
            .Select(r => (r.GetStructuredStateValue("FlowRunId")!, r.GetStructuredStateValue("Reason")!))
            .ToList();
}
