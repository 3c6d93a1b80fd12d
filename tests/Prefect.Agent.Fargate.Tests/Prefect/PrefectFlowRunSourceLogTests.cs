using Microsoft.Extensions.Time.Testing;
using Prefect.Agent.Fargate.Testing.Prefect;
using static Prefect.Agent.Fargate.Tests.Prefect.PrefectTestHelpers;

namespace Prefect.Agent.Fargate.Tests.Prefect;

public sealed class PrefectFlowRunSourceLogTests
{
    [Fact]
    public async Task WriteLogAsync_Single_WritesTheOriginalEntry()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        var run = api.AddScheduledFlowRun("f");

        await source.WriteLogAsync(new FlowRunLog { FlowRunId = run.Id, Name = "agent", Level = "INFO", Message = "Submitted for execution: Task arn:aws:ecs:x" }, CancellationToken.None);

        var request = api.Requests.Single(r => r.Operation == "write_run_logs");
        Assert.Equal("{\"input\": {\"logs\": [{\"flow_run_id\": \"" + run.Id + "\", \"name\": \"agent\", \"message\": \"Submitted for execution: Task arn:aws:ecs:x\", \"level\": \"INFO\"}]}}", request.Variables);
        Assert.Equal("mutation($input: write_run_logs_input!) {\n    write_run_logs(input: $input) {\n        success\n    }\n}", request.Query);
        var entry = Assert.Single(api.Logs);
        Assert.Equal(("agent", "INFO"), (entry.Name, entry.Level));
    }

    [Fact]
    public async Task WriteLogAsync_SeveralRunsMeanwhile_AreBatchedIntoOneCall()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var settings = FastSettings();
        settings.LogFlushInterval = TimeSpan.FromSeconds(1);
        var (api, source) = await StartRegisteredServerAsync(time: time, settings: settings);
        await using var _ = api;
        using var __ = source;
        var runs = Enumerable.Range(0, 4).Select(_ => api.AddScheduledFlowRun("f")).ToList();
        await source.WriteLogAsync(Log(runs[0].Id, "first"), CancellationToken.None);

        var writes = runs.Skip(1).Select(r => source.WriteLogAsync(Log(r.Id, "later " + r.Id), CancellationToken.None)).ToList();
        await AdvanceUntilDoneAsync(time, Task.WhenAll(writes), TimeSpan.FromMilliseconds(250));

        Assert.Equal(2, api.CountRequests("write_run_logs"));
        Assert.Equal(1, api.Logs.Single(l => l.FlowRunId == runs[0].Id).RequestNumber);
        Assert.All(runs.Skip(1), r => Assert.Equal(2, api.Logs.Single(l => l.FlowRunId == r.Id).RequestNumber));
    }

    [Fact]
    public async Task WriteLogAsync_FailedBatch_FailsEveryCallerInIt()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var settings = FastSettings();
        settings.LogFlushInterval = TimeSpan.FromSeconds(1);
        var (api, source) = await StartRegisteredServerAsync(time: time, settings: settings);
        await using var _ = api;
        using var __ = source;
        var a = api.AddScheduledFlowRun("f");
        var b = api.AddScheduledFlowRun("f");
        await source.WriteLogAsync(Log(a.Id, "ok"), CancellationToken.None);
        api.InjectFault(FakePrefectFault.GraphQLError("logs are down", "INTERNAL_SERVER_ERROR"), operation: "write_run_logs");

        var first = source.WriteLogAsync(Log(a.Id, "x"), CancellationToken.None);
        var second = source.WriteLogAsync(Log(b.Id, "y"), CancellationToken.None);
        var both = Task.WhenAll(first, second);
        await Assert.ThrowsAsync<PrefectApiException>(() => AdvanceUntilDoneAsync(time, both, TimeSpan.FromMilliseconds(250)));

        Assert.Equal("logs are down", (await Assert.ThrowsAsync<PrefectApiException>(() => first)).Errors[0].Message);
        Assert.Equal("logs are down", (await Assert.ThrowsAsync<PrefectApiException>(() => second)).Errors[0].Message);
        Assert.Equal(2, api.CountRequests("write_run_logs"));
    }

    [Fact]
    public async Task DisposeAsync_WritesQueuedLinesFirst()
    {
        var settings = FastSettings();
        settings.LogFlushInterval = TimeSpan.FromMilliseconds(300);
        var (api, source) = await StartRegisteredServerAsync(settings: settings);
        await using var _ = api;
        var run = api.AddScheduledFlowRun("f");
        await source.WriteLogAsync(Log(run.Id, "first"), CancellationToken.None);
        var queued = source.WriteLogAsync(Log(run.Id, "queued"), CancellationToken.None);

        await source.DisposeAsync();

        await queued;
        Assert.Equal(["first", "queued"], api.Logs.Select(l => l.Message));
    }

    [Fact]
    public async Task WriteLogAsync_AfterDispose_Throws()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        await source.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => source.WriteLogAsync(Log(Guid.NewGuid().ToString(), "late"), CancellationToken.None));
    }

    private static FlowRunLog Log(string runId, string message) => new() { FlowRunId = runId, Name = "agent", Level = "INFO", Message = message };
}
