using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Prefect.Agent.Fargate.Testing.Prefect;
using static Prefect.Agent.Fargate.Tests.Prefect.PrefectTestHelpers;

namespace Prefect.Agent.Fargate.Tests.Prefect;

public sealed class PrefectFlowRunSourceLoggingTests
{
    [Fact]
    public async Task AllOperations_NeverLogTheApiKey()
    {
        const string Key = "pnu_very-secret-key-value";
        await using var api = await FakePrefectApi.StartAsync(new FakePrefectApiOptions { Mode = FakePrefectBackendMode.CloudApiKey, ApiKey = Key });
        var collector = new FakeLogCollector();
        using var factory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(collector)).SetMinimumLevel(LogLevel.Trace));
        var options = Options(api, PrefectBackend.Cloud, apiKey: Key);
        options.LoggerFactory = factory;
        await using var source = Source(options);
        api.AddScheduledFlowRun("f");
        api.InjectFault(FakePrefectFault.ServerError(500), operation: "get_runs_in_queue");

        await source.RegisterAgentAsync(Registration(), CancellationToken.None);
        var run = Assert.Single((await source.GetReadyFlowRunsAsync(new FlowRunQuery { Labels = [] }, CancellationToken.None)).Runs);
        var claim = await source.MarkSubmittedAsync(run, CancellationToken.None);
        await source.WriteLogAsync(new FlowRunLog { FlowRunId = run.Id, Name = "agent", Level = "INFO", Message = "done" }, CancellationToken.None);
        await source.MarkFailedAsync(run, claim.Version, "boom", CancellationToken.None);
        api.InjectFault(FakePrefectFault.Unauthenticated());
        await Assert.ThrowsAsync<PrefectAuthenticationException>(() => source.GetReadyFlowRunsAsync(new FlowRunQuery { Labels = [] }, CancellationToken.None));

        var records = collector.GetSnapshot();
        Assert.Contains(records, r => r.Id.Id == 113 && r.Level == LogLevel.Warning);
        Assert.Contains(records, r => r.Id.Id == 103);
        Assert.All(records, r => Assert.DoesNotContain(Key, r.Message + r.Exception, StringComparison.Ordinal));
    }
}
