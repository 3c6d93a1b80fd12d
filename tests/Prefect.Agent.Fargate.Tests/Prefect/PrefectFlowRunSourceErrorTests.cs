using System.Net;
using Microsoft.Extensions.Time.Testing;
using Polly.Timeout;
using Prefect.Agent.Fargate.Testing.Prefect;
using static Prefect.Agent.Fargate.Tests.Prefect.PrefectTestHelpers;

namespace Prefect.Agent.Fargate.Tests.Prefect;

public sealed class PrefectFlowRunSourceErrorTests
{
    private static readonly FlowRunQuery Query = new() { Labels = [] };

    [Fact]
    public async Task GetReadyFlowRunsAsync_RateLimited_WaitsRetryAfterThenSucceeds()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var (api, source) = await StartRegisteredServerAsync(time: time);
        await using var _ = api;
        using var __ = source;
        api.AddScheduledFlowRun("f", time.GetUtcNow().AddSeconds(-5));
        api.InjectFault(FakePrefectFault.RateLimited(TimeSpan.FromSeconds(3)), operation: "get_runs_in_queue");

        var poll = source.GetReadyFlowRunsAsync(Query, CancellationToken.None);
        var waited = await AdvanceUntilDoneAsync(time, poll, TimeSpan.FromMilliseconds(200));

        Assert.Single((await poll).Runs);
        Assert.True(waited >= TimeSpan.FromSeconds(3), $"retried after {waited} of fake time");
        Assert.Equal([429, 200], api.Requests.Where(r => r.Operation == "get_runs_in_queue").Select(r => r.StatusCode));
    }

    [Fact]
    public async Task GetReadyFlowRunsAsync_TransientServerErrors_AreRetried()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        api.InjectFault(FakePrefectFault.ServerError(502), count: 2);

        var page = await source.GetReadyFlowRunsAsync(Query, CancellationToken.None);

        Assert.Empty(page.Runs);
        Assert.Equal([502, 502, 200], api.Requests.Where(r => r.Operation == "get_runs_in_queue").Select(r => r.StatusCode));
    }

    [Fact]
    public async Task GetReadyFlowRunsAsync_PersistentServerErrors_FailAfterBoundedRetries()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        api.InjectFault(FakePrefectFault.ServerError(503), count: 10);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => source.GetReadyFlowRunsAsync(Query, CancellationToken.None));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Contains("get_runs_in_queue", ex.Message, StringComparison.Ordinal);
        Assert.Equal(4, api.CountRequests("get_runs_in_queue"));
    }

    [Fact]
    public async Task GetReadyFlowRunsAsync_GraphQLError_ThrowsApiExceptionWithMessagePathAndCode()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        api.InjectFault(FakePrefectFault.GraphQLError("database is gone", "INTERNAL_SERVER_ERROR"));

        var ex = await Assert.ThrowsAsync<PrefectApiException>(() => source.GetReadyFlowRunsAsync(Query, CancellationToken.None));

        var error = Assert.Single(ex.Errors);
        Assert.Equal("database is gone", error.Message);
        Assert.Equal(["get_runs_in_queue"], error.Path);
        Assert.Equal("INTERNAL_SERVER_ERROR", error.Code);
        Assert.Contains("database is gone", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, api.CountRequests("get_runs_in_queue"));
    }

    [Fact]
    public async Task GetReadyFlowRunsAsync_SlowApi_TimesOutPerAttemptThenFails()
    {
        var settings = FastSettings();
        settings.RequestTimeout = TimeSpan.FromMilliseconds(200);
        settings.MaxRetries = 1;
        var (api, source) = await StartRegisteredServerAsync(settings: settings);
        await using var _ = api;
        using var __ = source;
        api.InjectFault(FakePrefectFault.Slow(TimeSpan.FromSeconds(2)), count: 2);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => source.GetReadyFlowRunsAsync(Query, CancellationToken.None));

        Assert.IsType<TimeoutRejectedException>(ex.InnerException);
        Assert.Equal(2, api.CountRequests("get_runs_in_queue"));
    }

    [Fact]
    public async Task GetReadyFlowRunsAsync_Cancelled_ThrowsOperationCanceled()
    {
        var (api, source) = await StartRegisteredServerAsync();
        await using var _ = api;
        using var __ = source;
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => source.GetReadyFlowRunsAsync(Query, cts.Token));
    }

    [Fact]
    public async Task EveryOperation_PassesTheFakeSchemaValidation_InEveryMode()
    {
        foreach (var mode in new[] { FakePrefectBackendMode.Server, FakePrefectBackendMode.CloudApiKey, FakePrefectBackendMode.CloudToken })
        {
            await using var api = await FakePrefectApi.StartAsync(new FakePrefectApiOptions { Mode = mode });
            var options = mode switch
            {
                FakePrefectBackendMode.Server => Options(api),
                FakePrefectBackendMode.CloudApiKey => Options(api, PrefectBackend.Cloud, apiKey: api.Options.ApiKey),
                _ => Options(api, PrefectBackend.Cloud, token: api.Options.AgentToken),
            };
            await using var source = Source(options);
            var config = api.AddAgentConfig(null);
            api.AddFlowRun(new FakeFlowRunOptions { FlowName = "f", TaskRuns = [new FakeTaskRunOptions()] });
            api.AddFlowRun(new FakeFlowRunOptions { FlowName = "g" });

            await source.RegisterAgentAsync(new AgentRegistrationRequest { Name = "a", Labels = [], AgentConfigId = config }, CancellationToken.None);
            var runs = (await source.GetReadyFlowRunsAsync(Query, CancellationToken.None)).Runs;
            var claim = await source.MarkSubmittedAsync(runs[0], CancellationToken.None);
            await source.MarkFailedAsync(runs[1], runs[1].Version, "failed \u00e9", CancellationToken.None);
            await source.WriteLogAsync(new FlowRunLog { FlowRunId = runs[0].Id, Name = "a", Level = "ERROR", Message = "m", Timestamp = TimeProvider.System.GetUtcNow() }, CancellationToken.None);

            Assert.True(claim.IsClaimed);
            Assert.All(api.Requests, r => Assert.True(r.StatusCode == 200 && r.Errors.Count == 0, $"{mode} {r.Operation}: {r.StatusCode} {string.Join("; ", r.Errors)}"));
            Assert.Contains(api.Requests, r => r.Operation == "set_task_run_states");
        }
    }
}
