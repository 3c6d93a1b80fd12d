using Prefect.Agent.Fargate.Testing.Prefect;
using static Prefect.Agent.Fargate.Tests.Prefect.PrefectTestHelpers;

namespace Prefect.Agent.Fargate.Tests.Prefect;

/// <summary>The source's side of the poll loop's pipeline (issue 15): a page's claims and the next poll in one exchange.</summary>
public sealed class PrefectFlowRunSourcePipelineTests
{
    private const string Both = "set_flow_run_states,get_runs_in_queue";

    [Fact]
    public async Task ClaimThenPollAsync_FullPage_ClaimsItThenPollsInOneDocumentAndReadsTheNextRunsAhead()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        AddRuns(api, 30);
        var first = await source.GetReadyFlowRunsAsync(Query(25), CancellationToken.None);
        var before = api.Requests.Count;

        var exchange = await source.ClaimThenPollAsync(first.Runs, Query(25, exclude: first.Runs), CancellationToken.None);

        Assert.Equal(25, exchange.Claims.Count);
        Assert.All(exchange.Claims, c => Assert.True(c.Claim.IsClaimed && c.Error is null));
        Assert.All(first.Runs, r => Assert.Equal("Submitted", api.GetFlowRun(r.Id)!.State));
        Assert.Null(exchange.PollError);

        // The queue answered after the claims: the next page is the 5 runs left, none of the claimed ones.
        var next = exchange.Next!;
        Assert.Equal(5, next.Runs.Count);
        Assert.Empty(next.Runs.Select(r => r.Id).Intersect(first.Runs.Select(r => r.Id)));
        Assert.All(next.Runs, r => Assert.Equal("Scheduled", r.State));

        // One mutation carried the claims and the poll; their metadata came with the read-ahead, not after the poll.
        var sent = api.Requests.Skip(before).ToList();
        Assert.Equal(["flow_run", Both], sent.Select(r => r.Operation).Order(StringComparer.Ordinal));
        var mutation = sent.Single(r => r.Operation == Both);
        Assert.Equal(25, Variables(mutation)["states"]!["states"]!.AsArray().Count);
        Assert.Contains("order_by: [{ state_start_time: asc }]", sent.Single(r => r.Operation == "flow_run").Query, StringComparison.Ordinal);

        // The runs read ahead are the runs a metadata query would give.
        var queried = await source.GetReadyFlowRunsAsync(Query(25), CancellationToken.None);
        Assert.Equal(queried.Runs.Select(Describe), next.Runs.Select(Describe));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ClaimThenPollAsync_AfterTheFirstExchange_ReadsAheadOnlyBehindASlowBackend(bool slow)
    {
        // The backend's answers are slower or faster than the read-ahead threshold (60 ms against 1 ms or 10 min).
        var settings = FastSettings();
        settings.ReadAheadFrom = slow ? TimeSpan.FromMilliseconds(1) : TimeSpan.FromMinutes(10);
        var (api, source) = await StartRegisteredServerAsync(settings: settings);
        await using var _ = api;
        using var __ = source;
        AddRuns(api, 9);
        api.ResponseDelay = TimeSpan.FromMilliseconds(60);
        var readsAhead = slow;
        var first = await source.GetReadyFlowRunsAsync(Query(3), CancellationToken.None);
        var second = (await source.ClaimThenPollAsync(first.Runs, Query(3, exclude: first.Runs), CancellationToken.None)).Next!;
        var before = api.Requests.Count;

        var third = (await source.ClaimThenPollAsync(second.Runs, Query(3, exclude: second.Runs), CancellationToken.None)).Next!;

        // Behind a fast backend the next runs' metadata is queried after the poll: fewer rows, one cheap round trip.
        var sent = api.Requests.Skip(before).ToList();
        Assert.Equal(3, third.Runs.Count);
        Assert.Equal(readsAhead ? 1 : 0, sent.Count(r => r.Operation == "flow_run" && r.Query.Contains("_nin:", StringComparison.Ordinal)));
        Assert.Equal(readsAhead ? 0 : 1, sent.Count(r => r.Operation == "flow_run" && r.Query.Contains("id: { _in:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ClaimThenPollAsync_AnotherAgentTookOneRun_ClaimsTheOthersAndSkipsItQuietly()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        AddRuns(api, 3);
        var page = await source.GetReadyFlowRunsAsync(Query(25), CancellationToken.None);
        var taken = page.Runs[1];
        api.SetFlowRunState(taken.Id, "Submitted", "Submitted by a rival agent");

        var exchange = await source.ClaimThenPollAsync(page.Runs, Query(25, exclude: page.Runs), CancellationToken.None);

        Assert.Equal([true, false, true], exchange.Claims.Select(c => c.Claim.IsClaimed));
        Assert.All(exchange.Claims, c => Assert.Null(c.Error));
        Assert.Equal("Submitted by a rival agent", api.GetFlowRun(taken.Id)!.States[^1].Message);
        Assert.Equal(["Submitted"], api.GetFlowRun(page.Runs[0].Id)!.States.Select(s => s.Type));
        Assert.Equal(["Submitted"], api.GetFlowRun(page.Runs[2].Id)!.States.Select(s => s.Type));
        Assert.Empty(exchange.Next!.Runs);
    }

    [Fact]
    public async Task ClaimThenPollAsync_AnswerLostAfterTheClaimsWereApplied_ClaimsStandWithoutASecondState()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        AddRuns(api, 4);
        var page = await source.GetReadyFlowRunsAsync(Query(2), CancellationToken.None);
        api.InjectFault(FakePrefectFault.LostResponse(), operation: Both);

        var exchange = await source.ClaimThenPollAsync(page.Runs, Query(25, exclude: page.Runs), CancellationToken.None);

        // The retry's claims met the version lock; the backend said the runs were already this agent's.
        Assert.All(exchange.Claims, c => Assert.True(c.Claim.IsClaimed));
        Assert.All(page.Runs, r => Assert.Equal(["Submitted"], api.GetFlowRun(r.Id)!.States.Select(s => s.Type)));
        Assert.Equal(page.Runs.Select(r => r.Version + 1), exchange.Claims.Select(c => c.Claim.Version));
        Assert.Equal(2, exchange.Next!.Runs.Count);
    }

    [Fact]
    public async Task ClaimThenPollAsync_ExchangeFailsAfterRetries_ClaimsEachRunAloneAndReportsThePollError()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        AddRuns(api, 3);
        var page = await source.GetReadyFlowRunsAsync(Query(2), CancellationToken.None);
        api.InjectFault(FakePrefectFault.ServerError(503), count: 10, operation: Both);

        var exchange = await source.ClaimThenPollAsync(page.Runs, Query(25, exclude: page.Runs), CancellationToken.None);

        Assert.All(exchange.Claims, c => Assert.True(c.Claim.IsClaimed));
        Assert.All(page.Runs, r => Assert.Equal("Submitted", api.GetFlowRun(r.Id)!.State));
        Assert.Null(exchange.Next);
        Assert.Contains("503", exchange.PollError!.Message, StringComparison.Ordinal);
        Assert.Equal(page.Runs.Count, api.CountRequests("set_flow_run_states"));
    }

    [Fact]
    public async Task ClaimThenPollAsync_NoNextPoll_OnlyClaims()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        AddRuns(api, 2);
        var page = await source.GetReadyFlowRunsAsync(Query(25), CancellationToken.None);
        var before = api.Requests.Count;

        var exchange = await source.ClaimThenPollAsync(page.Runs, next: null, CancellationToken.None);

        Assert.All(exchange.Claims, c => Assert.True(c.Claim.IsClaimed));
        Assert.Null(exchange.Next);
        Assert.Equal(["set_flow_run_states"], api.Requests.Skip(before).Select(r => r.Operation));
    }

    [Fact]
    public async Task ClaimThenPollAsync_NextRunsWithOtherLabels_AreReadByTheOriginalMetadataQuery()
    {
        var (api, source) = await StartRegisteredServerAsync(labels: ["mine"]);
        await using var _ = api;
        using var __ = source;
        var start = TimeProvider.System.GetUtcNow().AddMinutes(-5);
        for (var i = 0; i < 2; i++)
        {
            api.AddScheduledFlowRun("mine", start.AddSeconds(i), ["mine"]);
        }

        // Older runs of other agents fill the read-ahead; the queue skips them and answers a run of ours behind them.
        for (var i = 0; i < 60; i++)
        {
            api.AddScheduledFlowRun("theirs", start.AddSeconds(10 + i), ["theirs"]);
        }

        var ours = api.AddScheduledFlowRun("mine", start.AddSeconds(100), ["mine"]);
        var page = await source.GetReadyFlowRunsAsync(Query(2, labels: ["mine"]), CancellationToken.None);

        var exchange = await source.ClaimThenPollAsync(page.Runs, Query(25, exclude: page.Runs, labels: ["mine"]), CancellationToken.None);

        Assert.Equal([ours.Id], exchange.Next!.Runs.Select(r => r.Id));
        Assert.Equal(2, api.Requests.Count(r => r.Operation == "flow_run" && r.Query.Contains("_in:", StringComparison.Ordinal)));
    }

    private static string Describe(FlowRun run) =>
        $"{run.Id} v{run.Version} {run.State} {run.Name} {run.Flow.Name} {run.ScheduledStartTime:O} {run.SerializedState?.ToJsonString()} {run.RunConfig?.ToJsonString()} {run.Parameters?.ToJsonString()} {run.TaskRuns.Count}";

    private static void AddRuns(FakePrefectApi api, int count)
    {
        var start = TimeProvider.System.GetUtcNow().AddMinutes(-5);
        for (var i = 0; i < count; i++)
        {
            api.AddScheduledFlowRun("flow-" + (i % 3), start.AddSeconds(i));
        }
    }

    private static FlowRunQuery Query(int maxRuns, IReadOnlyList<FlowRun>? exclude = null, string[]? labels = null) =>
        new() { Labels = labels ?? [], MaxRuns = maxRuns, Exclude = exclude?.Select(r => r.Id).ToArray() ?? [] };
}
