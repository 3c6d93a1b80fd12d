using Microsoft.Extensions.Time.Testing;
using Prefect.Agent.Fargate.Testing.Prefect;
using static Prefect.Agent.Fargate.Tests.Prefect.PrefectTestHelpers;

namespace Prefect.Agent.Fargate.Tests.Prefect;

public sealed class PrefectFlowRunSourcePollTests
{
    [Fact]
    public async Task GetReadyFlowRunsAsync_NoRuns_SendsOnlyTheQueueQuery()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;

        var page = await source.GetReadyFlowRunsAsync(new FlowRunQuery { Labels = [] }, CancellationToken.None);

        Assert.Empty(page.Runs);
        Assert.False(page.MayHaveMore);
        Assert.Equal(1, api.CountRequests("get_runs_in_queue"));
        Assert.Equal(0, api.CountRequests("flow_run"));
    }

    [Fact]
    public async Task GetReadyFlowRunsAsync_WithRuns_ReturnsMetadataAndSendsOriginalVariables()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2021, 7, 1, 12, 0, 0, 123, TimeSpan.Zero).AddTicks(4560));
        var (api, source) = await StartRegisteredServerAsync(time: time, labels: ["aws"]);
        await using var _ = api;
        using var __ = source;
        var run = api.AddFlowRun(new FakeFlowRunOptions
        {
            FlowName = "etl",
            FlowVersion = 4,
            Labels = ["aws"],
            Image = "repo/etl:1",
            StartTime = time.GetUtcNow().AddSeconds(-30),
            Parameters = new() { ["x"] = 1 },
            TaskRuns = [new FakeTaskRunOptions { State = "Scheduled" }, new FakeTaskRunOptions { State = "Pending" }],
        });

        var page = await source.GetReadyFlowRunsAsync(new FlowRunQuery { Labels = ["aws"] }, CancellationToken.None);

        var queue = api.Requests.Single(r => r.Operation == "get_runs_in_queue");
        Assert.Equal("{\"input\": {\"before\": \"2021-07-01T12:00:10.123456+00:00\", \"labels\": [\"aws\"], \"tenant_id\": \"" + api.TenantId + "\"}}", queue.Variables);
        var metadata = api.Requests.Single(r => r.Operation == "flow_run");
        Assert.Equal("null", metadata.Variables);
        Assert.Contains("flow_run(where: { id: { _in: [\"" + run.Id + "\"] }, _or: [{ state: { _eq: \"Scheduled\" } }, { state: { _eq: \"Running\" }, task_runs: { state_start_time: { _lte: \"2021-07-01T11:59:57.123456+00:00\" } } }] }) {", metadata.Query, StringComparison.Ordinal);
        var found = Assert.Single(page.Runs);
        Assert.Equal(run.Id, found.Id);
        Assert.Equal(2, found.Version);
        Assert.Equal("Scheduled", found.State);
        Assert.Equal("repo/etl:1", found.RunConfig?["image"]?.GetValue<string>());
        Assert.Equal("etl", found.Flow.Name);
        Assert.Equal(run.FlowId, found.Flow.Id);
        Assert.Equal(4, found.Flow.Version);
        Assert.Equal("0.15.0", found.Flow.CoreVersion);
        Assert.Equal(1, found.Parameters?["x"]?.GetValue<int>());
        // The Pending task run has no start time, so the original's task_runs filter (start <= now - 3 s) leaves it out.
        Assert.Equal(run.TaskRuns[0].Id, Assert.Single(found.TaskRuns).Id);
        Assert.Equal(time.GetUtcNow().AddSeconds(-30), found.ScheduledStartTime);
    }

    [Fact]
    public async Task GetReadyFlowRunsAsync_DockerStorage_ReturnsStorage()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        api.AddFlowRun(new FakeFlowRunOptions { FlowName = "f", DockerStorageImage = "registry.example.com/team/flow:2021" });

        var page = await source.GetReadyFlowRunsAsync(new FlowRunQuery { Labels = [] }, CancellationToken.None);

        var storage = Assert.Single(page.Runs).Flow.Storage!;
        Assert.Equal("Docker", storage["type"]!.GetValue<string>());
        Assert.Equal("registry.example.com/team", storage["registry_url"]!.GetValue<string>());
        Assert.Equal("flow", storage["image_name"]!.GetValue<string>());
        Assert.Equal("2021", storage["image_tag"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetReadyFlowRunsAsync_SortsByStartTime()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        var now = TimeProvider.System.GetUtcNow();
        var late = api.AddScheduledFlowRun("f", now.AddSeconds(-1));
        var early = api.AddScheduledFlowRun("f", now.AddSeconds(-60));
        var middle = api.AddScheduledFlowRun("f", now.AddSeconds(-30));

        var page = await source.GetReadyFlowRunsAsync(new FlowRunQuery { Labels = [] }, CancellationToken.None);

        Assert.Equal([early.Id, middle.Id, late.Id], page.Runs.Select(r => r.Id));
    }

    [Fact]
    public async Task GetReadyFlowRunsAsync_MaxRunsAndExclude_LimitTheMetadataQueryAndSetMayHaveMore()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        var now = TimeProvider.System.GetUtcNow();
        var runs = Enumerable.Range(0, 4).Select(i => api.AddScheduledFlowRun("f", now.AddSeconds(-10 + i))).ToList();

        var page = await source.GetReadyFlowRunsAsync(new FlowRunQuery { Labels = [], Exclude = [runs[0].Id], MaxRuns = 2 }, CancellationToken.None);

        Assert.Equal([runs[1].Id, runs[2].Id], page.Runs.Select(r => r.Id));
        Assert.True(page.MayHaveMore);
        var metadata = api.Requests.Single(r => r.Operation == "flow_run");
        Assert.DoesNotContain(runs[0].Id, metadata.Query, StringComparison.Ordinal);
        Assert.DoesNotContain(runs[3].Id, metadata.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetReadyFlowRunsAsync_AllFit_MayHaveMoreIsFalse()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        api.AddScheduledFlowRun("f");
        api.AddScheduledFlowRun("f");

        var page = await source.GetReadyFlowRunsAsync(new FlowRunQuery { Labels = [], MaxRuns = 2 }, CancellationToken.None);

        Assert.Equal(2, page.Runs.Count);
        Assert.False(page.MayHaveMore);
    }

    [Fact]
    public async Task GetReadyFlowRunsAsync_FullServerPage_SetsMayHaveMore()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        for (var i = 0; i < 30; i++)
        {
            api.AddScheduledFlowRun("f");
        }

        var page = await source.GetReadyFlowRunsAsync(new FlowRunQuery { Labels = [] }, CancellationToken.None);

        Assert.Equal(25, page.Runs.Count);
        Assert.True(page.MayHaveMore);
    }

    [Fact]
    public async Task GetReadyFlowRunsAsync_RunningRunWithScheduledTaskRun_IsReturned()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        var now = TimeProvider.System.GetUtcNow();
        var running = api.AddFlowRun(new FakeFlowRunOptions { FlowName = "f", State = "Running", StartTime = now.AddMinutes(-5), TaskRuns = [new FakeTaskRunOptions { State = "Retrying", StartTime = now.AddMinutes(-1) }] });
        api.AddFlowRun(new FakeFlowRunOptions { FlowName = "f", State = "Running", StartTime = now.AddMinutes(-5), TaskRuns = [new FakeTaskRunOptions { State = "Running" }] });

        var page = await source.GetReadyFlowRunsAsync(new FlowRunQuery { Labels = [] }, CancellationToken.None);

        var found = Assert.Single(page.Runs);
        Assert.Equal(running.Id, found.Id);
        Assert.Equal("Running", found.State);
    }
}
