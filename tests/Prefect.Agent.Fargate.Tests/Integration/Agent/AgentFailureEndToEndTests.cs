using Microsoft.Extensions.Logging;
using Prefect.Agent.Fargate.Prefect;
using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Testing.Prefect;

namespace Prefect.Agent.Fargate.Tests.Integration.Agent;

/// <summary>Failure paths of the real agent, as a user sees them in the Prefect backend and in ECS.</summary>
public sealed class AgentFailureEndToEndTests
{
    [Fact]
    public async Task StartAsync_ImageCannotBeResolved_RunFailedWithMessageAtPostSubmittedVersion()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        var run = e2e.AddRunWithoutImage();

        await e2e.RunAsync(e2e.Options());

        Assert.Equal("Failed", run.State);
        Assert.Equal(["Submitted", "Failed"], run.States.Select(s => s.Type));
        Assert.Equal([3, 4], run.States.Select(s => s.Version));
        Assert.Contains("is not of type Docker and environment has no `image`", run.StateMessage, StringComparison.Ordinal);
        Assert.Contains(run.Id, run.StateMessage, StringComparison.Ordinal);
        var failedRequest = e2e.Api.Requests.Where(r => r.Operation == "set_flow_run_states").Last();
        Assert.Equal(3, PrefectTestVariables.Version(failedRequest));
        var error = Assert.Single(e2e.Api.Logs, l => l.FlowRunId == run.Id && l.Level == "ERROR");
        Assert.Equal(run.StateMessage, error.Message);
        Assert.Empty(e2e.Ecs.Requests);
        Assert.Empty(e2e.PrefectErrors());
    }

    [Fact]
    public async Task StartAsync_RunTaskReportsFailure_RunFailedWithArnReasonAndDetail()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        e2e.Ecs.InjectFault("RunTask", FakeEcsFault.RunTaskFailure("RESOURCE:MEMORY", "No container instance met all of its requirements."));
        var run = e2e.AddRun();
        var options = e2e.Options();
        options.CapacityRetries = 0; // no capacity retry: the first answer fails the run

        await e2e.RunAsync(options);

        Assert.Equal("Failed", run.State);
        Assert.Equal(4, run.Version);
        Assert.Contains("ECS RunTask started no task", run.StateMessage, StringComparison.Ordinal);
        Assert.Contains("reason=RESOURCE:MEMORY", run.StateMessage, StringComparison.Ordinal);
        Assert.Contains("detail=No container instance met all of its requirements.", run.StateMessage, StringComparison.Ordinal);
        Assert.Contains("arn=", run.StateMessage, StringComparison.Ordinal);
        Assert.Contains(e2e.Api.Logs, l => l.FlowRunId == run.Id && l.Level == "ERROR" && l.Message == run.StateMessage);
        Assert.DoesNotContain(e2e.Api.Logs, l => l.FlowRunId == run.Id && l.Message!.StartsWith("Submitted for execution", StringComparison.Ordinal));
        Assert.Empty(e2e.Ecs.Tasks);
        Assert.Empty(e2e.PrefectErrors());
    }

    [Fact]
    public async Task StartAsync_AnotherAgentClaimsTheRunFirst_SkippedNotFailedNotDeployed()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        var run = e2e.AddRun();
        var options = e2e.Options();
        using var rival = PrefectFlowRunSource.Create(new AgentOptions { ApiUrl = e2e.Api.Url, Backend = PrefectBackend.Server });
        var rivalAgent = await rival.RegisterAgentAsync(new AgentRegistrationRequest { Name = "rival", Labels = ["aws"] }, CancellationToken.None);
        using var own = PrefectFlowRunSource.Create(new AgentOptions { ApiUrl = e2e.Api.Url, Backend = PrefectBackend.Server, LoggerFactory = options.LoggerFactory });

        await e2e.RunAsync(options, new RivalAgentSource(own, rival));

        Assert.Equal("Submitted", run.State);
        var only = Assert.Single(run.States);
        Assert.Equal(rivalAgent.AgentId, only.AgentId);
        Assert.Equal(rivalAgent.AgentId, run.AgentId);
        Assert.DoesNotContain(e2e.Api.Logs, l => l.FlowRunId == run.Id);
        Assert.Empty(e2e.Ecs.Requests);
        Assert.Contains(e2e.Logs.Collector.GetSnapshot(), r => r.Message.Contains(run.Id, StringComparison.Ordinal) && r.Message.Contains("another agent", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task StartAsync_ApiKeyRefused_ThrowsAuthenticationExceptionNamingTheKindNotTheValue()
    {
        const string WrongKey = "pnu_wrongKeyThatMustNotAppear0000000";
        await using var e2e = await AgentEndToEnd.StartAsync(new FakePrefectApiOptions { Mode = FakePrefectBackendMode.CloudApiKey });
        e2e.Environment.Remove("PREFECT__BACKEND");
        e2e.Environment["PREFECT__CLOUD__API_KEY"] = WrongKey;
        var run = e2e.AddRun();
        await using var agent = e2e.CreateAgent(e2e.Options(maxPolls: null));

        var error = await Assert.ThrowsAsync<PrefectAuthenticationException>(() => agent.StartAsync().WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Contains("API key", error.Message, StringComparison.Ordinal);
        Assert.Contains("PREFECT__CLOUD__API_KEY", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongKey, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(WrongKey, e2e.AllLogText(), StringComparison.Ordinal);
        Assert.Empty(e2e.Api.Agents);
        Assert.Equal("Scheduled", run.State);
        Assert.Empty(e2e.Ecs.Requests);
    }

    [Fact]
    public async Task StartAsync_PrefectApiFailsOnePoll_LoopSurvivesAndDeploysOnTheNextPoll()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        var options = e2e.Options(maxPolls: 2);

        // The real source with a short back-off: one retry, so two 500s fail one poll (the defaults would take ~30 s).
        var settings = new PrefectClientSettings { MaxRetries = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(5), RetryMaxDelay = TimeSpan.FromMilliseconds(10) };
        using var source = PrefectFlowRunSource.Create(new AgentOptions { ApiUrl = e2e.Api.Url, Backend = PrefectBackend.Server, LoggerFactory = options.LoggerFactory }, null, settings);
        var run = e2e.AddRun();
        e2e.Api.InjectFault(FakePrefectFault.ServerError(500), count: 2, operation: "get_runs_in_queue");

        await e2e.RunAsync(options, source);

        var polls = e2e.Api.Requests.Where(r => r.Operation == "get_runs_in_queue").Select(r => r.StatusCode).ToList();
        Assert.Equal([500, 500, 200], polls);
        Assert.Equal("Submitted", run.State);
        Assert.Single(e2e.Ecs.Tasks);
        Assert.Contains(e2e.Api.Logs, l => l.FlowRunId == run.Id && l.Message == "Submitted for execution: Task ARN: " + e2e.Ecs.Tasks[0].TaskArn);
        Assert.Contains(e2e.Logs.Collector.GetSnapshot(), r => r.Level >= LogLevel.Warning && r.Exception is PrefectApiException or HttpRequestException);
    }

    [Fact]
    public async Task StartAsync_SubmittedAnswerLost_RunIsStillOursAndDeployedOnce()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        var run = e2e.AddRun();

        // The state change is applied, then the answer is lost: the retry meets the version lock of our own change.
        e2e.Api.InjectFault(FakePrefectFault.LostResponse(), count: 1, operation: "set_flow_run_states");

        await e2e.RunAsync(e2e.Options());

        Assert.Equal("Submitted", run.State);
        Assert.Equal(["Submitted"], run.States.Select(s => s.Type));
        Assert.Equal(e2e.Api.Agents.Single().Id, run.AgentId);
        var task = Assert.Single(e2e.Ecs.Tasks);
        Assert.Contains(e2e.Api.Logs, l => l.FlowRunId == run.Id && l.Message == "Submitted for execution: Task ARN: " + task.TaskArn);
    }

    [Fact]
    public async Task StartAsync_ClaimFailsOnce_RunStaysScheduledNotFailedAndIsDeployedLater()
    {
        await using var e2e = await AgentEndToEnd.StartAsync();
        var options = e2e.Options(maxPolls: null);
        var settings = new PrefectClientSettings { MaxRetries = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(5), RetryMaxDelay = TimeSpan.FromMilliseconds(10) };
        using var source = PrefectFlowRunSource.Create(new AgentOptions { ApiUrl = e2e.Api.Url, Backend = PrefectBackend.Server, LoggerFactory = options.LoggerFactory }, null, settings);
        var run = e2e.AddRun();
        e2e.Api.InjectFault(FakePrefectFault.ServerError(503), count: 2, operation: "set_flow_run_states");
        await using var agent = e2e.CreateAgent(options, source);

        var running = agent.StartAsync();
        await Fakes.Eventually.TrueAsync(() => run.State == "Submitted" && e2e.Api.Logs.Any(l => l.FlowRunId == run.Id), "the run is deployed on a later poll");
        await agent.StopAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal([503, 503, 200], e2e.Api.Requests.Where(r => r.Operation == "set_flow_run_states").Select(r => r.StatusCode));
        Assert.Equal(["Submitted"], run.States.Select(s => s.Type));
        Assert.Single(e2e.Ecs.Tasks);
        Assert.DoesNotContain(e2e.Api.Logs, l => l.FlowRunId == run.Id && l.Level == "ERROR");
    }
}
