using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Testing.Prefect;
using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.Integration.Agent;

/// <summary>
/// The poll loop as a pipeline (issue 15), against both fakes: a page's claims share a document with the next poll,
/// the claims never exceed the slots plus one page, and the drain waits for the runs claimed ahead of the slots.
/// </summary>
public sealed class AgentPipelineEndToEndTests
{
    private const string ClaimThenPoll = "set_flow_run_states,get_runs_in_queue";

    [Fact]
    public async Task StartAsync_ManyPages_EachRunClaimedOnceAndLaunchedOnce_TheClaimsRidingWithTheNextPolls()
    {
        const int Runs = 90;
        await using var e2e = await AgentEndToEnd.StartAsync();
        var runs = Enumerable.Range(0, Runs).Select(i => e2e.AddRun("flow-" + (i % 3))).ToList();

        // A backend far enough away for the read-ahead (PrefectClientSettings.ReadAheadFrom, 20 ms).
        e2e.Api.ResponseDelay = TimeSpan.FromMilliseconds(30);
        var options = e2e.Options(maxPolls: null);
        options.PollIntervals = [TimeSpan.FromMinutes(5)];
        options.TaskWatchInterval = TimeSpan.Zero;
        options.ReconcileInterval = TimeSpan.Zero;

        await using (var agent = await RunningAgent.StartAsync(e2e, options))
        {
            await Eventually.TrueAsync(() => runs.All(r => TasksOf(e2e, r) == 1), "every run has its task");
        }

        Assert.All(runs, r => Assert.Equal(["Submitted"], r.States.Select(s => s.Type)));
        Assert.Equal(Runs, e2e.Ecs.Tasks.Count);

        // Every run was claimed by exactly one state entry, whichever document carried it.
        var claimed = e2e.Api.Requests.Where(r => r.Operation.Split(',').Contains("set_flow_run_states"))
            .SelectMany(AgentEndToEnd.ClaimsIn).Select(c => c!["flow_run_id"]!.GetValue<string>()).ToList();
        Assert.Equal(runs.Select(r => r.Id).Order(StringComparer.Ordinal), claimed.Order(StringComparer.Ordinal));

        // Pages after the first were claimed with the next poll, and their runs' metadata was read ahead: the original's
        // metadata query (by id) ran for the first page only, or when a read-ahead missed.
        var exchanges = e2e.Api.Requests.Count(r => r.Operation == ClaimThenPoll);
        var metadataById = e2e.Api.Requests.Count(r => r.Operation == "flow_run" && r.Query.Contains("id: { _in:", StringComparison.Ordinal));
        Assert.InRange(exchanges, 3, Runs);
        Assert.True(metadataById < exchanges, $"metadata queries by id: {metadataById}, claim-then-poll exchanges: {exchanges}");
        Assert.Empty(e2e.PrefectErrors());
    }

    [Fact]
    public async Task StartAsync_RunTasksHang_ClaimsNeverExceedTheSlotsPlusOnePage()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        var runs = Enumerable.Range(0, 30).Select(_ => e2e.AddRun()).ToList();
        e2e.Ecs.InjectFault("RunTask", FakeEcsFault.SlowResponse(TimeSpan.FromMinutes(5)), times: 100);
        var options = e2e.Options(maxPolls: null);
        options.MaxConcurrentDeployments = 3;
        options.PollIntervals = [TimeSpan.FromMilliseconds(50)];
        options.ShutdownDrainTimeout = TimeSpan.Zero;
        options.TaskWatchInterval = TimeSpan.Zero;
        options.ReconcileInterval = TimeSpan.Zero;

        await using (var agent = await RunningAgent.StartAsync(e2e, options))
        {
            // Three runs in their slots (their RunTask hanging) and one page ahead of them, at most as many as the slots.
            await Eventually.TrueAsync(() => runs.Count(r => r.State == "Submitted") == 6, "three launching, three claimed ahead");

            // The loop runs on (every slot taken, it waits for one at its short interval) and claims nothing more.
            var seen = SlotsFullCount(e2e);
            await Eventually.TrueAsync(() => SlotsFullCount(e2e) >= seen + 5, "the loop went round five more times");
            Assert.Equal(6, runs.Count(r => r.State == "Submitted"));
        }
    }

    [Fact]
    public async Task StopAsync_RunsClaimedAheadOfTheSlots_TheDrainLaunchesEveryOne()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        var runs = Enumerable.Range(0, 12).Select(_ => e2e.AddRun()).ToList();

        // Two seconds per RunTask: the state looked for below (four claimed, no RunTask answered) lasts that long.
        e2e.Ecs.InjectFault("RunTask", FakeEcsFault.SlowResponse(TimeSpan.FromSeconds(2)), times: 100);
        var options = e2e.Options(maxPolls: null);
        options.MaxConcurrentDeployments = 2;
        options.TaskWatchInterval = TimeSpan.Zero;
        options.ReconcileInterval = TimeSpan.Zero;

        List<FakeFlowRun> claimed;
        await using (var agent = await RunningAgent.StartAsync(e2e, options))
        {
            // The fake records a call once it has answered it: no RunTask recorded means the first two still hang in
            // their slots. (Waiting for two recorded calls raced the claims their answers free: the slots free as the
            // answers arrive, before the fake records them, and the next claims could come first.)
            await Eventually.TrueAsync(() => runs.Count(r => r.State == "Submitted") == 4 && e2e.Calls("RunTask").Count == 0, "two in their slots, two claimed ahead, no RunTask answered");
            claimed = runs.Where(r => r.State == "Submitted").ToList();
        }

        // The drain (its default timeout) waited for the runs claimed ahead: each has its task, and nothing else was claimed.
        Assert.All(claimed, r => Assert.Equal(1, TasksOf(e2e, r)));
        Assert.All(runs.Where(r => r.State == "Submitted"), r => Assert.Equal(1, TasksOf(e2e, r)));
        Assert.All(runs.Where(r => r.State != "Submitted"), r => Assert.Equal("Scheduled", r.State));
        Assert.DoesNotContain(e2e.Api.Logs, l => l.Level == "ERROR");
    }

    [Fact]
    public async Task StartAsync_RegistrationHeldBack_RunsWaitingForItLendTheirSlotsToRunsThatCanLaunch()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        var first = e2e.AddRun("Fast flow");
        await e2e.RunAsync(e2e.Options());
        Assert.Equal("Submitted", first.State);

        // Two runs of a new flow first in the queue, whose registration ECS takes 5 s to answer, then four runs of a
        // flow whose definition exists; two slots.
        var slow = Enumerable.Range(0, 2).Select(_ => e2e.AddRun("Slow flow")).ToList();
        var fast = Enumerable.Range(0, 4).Select(_ => e2e.AddRun("Fast flow")).ToList();
        e2e.Ecs.InjectFault("RegisterTaskDefinition", FakeEcsFault.SlowResponse(TimeSpan.FromSeconds(5)));
        e2e.Ecs.ClearRequests();
        var options = e2e.Options(maxPolls: null);
        options.MaxConcurrentDeployments = 2;
        options.PollIntervals = [TimeSpan.FromMilliseconds(50)];
        options.TaskWatchInterval = TimeSpan.Zero;
        options.ReconcileInterval = TimeSpan.Zero;

        await using (var agent = await RunningAgent.StartAsync(e2e, options))
        {
            // The runs waiting for the registration hold places ahead of the slots, not the slots: the other flow's
            // runs launch meanwhile instead of after it.
            await Eventually.TrueAsync(() => fast.All(r => TasksOf(e2e, r) == 1), "the runs of the registered flow launched");
            Assert.All(slow, r => Assert.Equal(0, TasksOf(e2e, r)));
            Assert.All(slow, r => Assert.Equal("Submitted", r.State));

            await Eventually.TrueAsync(() => slow.All(r => TasksOf(e2e, r) == 1), "the new flow's runs launched once registered");
        }

        Assert.Single(e2e.Calls("RegisterTaskDefinition"));
        Assert.All(fast.Concat(slow), r => Assert.Equal(1, TasksOf(e2e, r)));
    }

    private static int SlotsFullCount(AgentEndToEnd e2e) => e2e.Logs.Collector.GetSnapshot().Count(l => l.Id.Name == "SlotsFull");

    private static int TasksOf(AgentEndToEnd e2e, FakeFlowRun run) =>
        e2e.Ecs.Tasks.Count(t => t.Task["startedBy"]?.GetValue<string>() == run.Id);
}
