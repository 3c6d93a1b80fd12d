using Prefect.Agent.Fargate.Ecs;
using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Tests.EcsClient;
using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.Testing.Ecs;

/// <summary>The fault knobs of issue 11: random faults, capacity shortages that clear, a late fault.</summary>
public sealed class FakeEcsFaultKnobTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task SetRandomFaults_OfAllOperations_AnswersAboutTheFractionsAndLetsTheRestThrough()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs, new BotocoreConfig { MaxAttempts = 1 });
        ecs.SetRandomFaults(new FakeEcsRandomFaults { ThrottlingRate = 0.3, ServerErrorRate = 0.1, Seed = 11 });

        var codes = new List<string>();
        for (var i = 0; i < 400; i++)
        {
            try
            {
                await client.ListTaskDefinitionFamiliesAsync([], Ct);
                codes.Add("ok");
            }
            catch (AwsServiceException ex)
            {
                codes.Add($"{ex.ErrorCode} {(int)ex.StatusCode}");
            }
        }

        // 400 draws of a seeded sequence: far from the edges, and exactly what the fake counted.
        Assert.InRange(codes.Count(c => c == "ThrottlingException 400"), 80, 160);
        Assert.InRange(codes.Count(c => c == "ServerException 500"), 20, 70);
        Assert.Equal(codes.Count - codes.Count(c => c == "ok"), codes.Count(c => c != "ok" && (c.StartsWith("Throttling", StringComparison.Ordinal) || c.StartsWith("Server", StringComparison.Ordinal))));
        Assert.Equal(codes.Count(c => c == "ThrottlingException 400"), ecs.ThrottledCount);

        // Cleared: every call goes through again.
        ecs.SetRandomFaults(null);
        ecs.ClearRequests();
        for (var i = 0; i < 20; i++)
        {
            await client.ListTaskDefinitionFamiliesAsync([], Ct);
        }

        Assert.Equal(0, ecs.ThrottledCount);
    }

    [Fact]
    public async Task SetRandomFaults_OfOneOperation_LeavesTheOthersAlone_AndTheSameSeedGivesTheSameSequence()
    {
        async Task<List<bool>> SequenceAsync(int seed)
        {
            await using var ecs = await FakeEcs.StartAsync();
            using var client = EcsTestClients.Create(ecs, new BotocoreConfig { MaxAttempts = 1 });
            ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("flow"));
            ecs.SetRandomFaults(new FakeEcsRandomFaults { ServerErrorRate = 0.5, Seed = seed }, "DescribeTaskDefinition");
            var outcomes = new List<bool>();
            for (var i = 0; i < 30; i++)
            {
                // Never faulted: another operation.
                await client.ListTaskDefinitionsAsync([], Ct);
                try
                {
                    await client.DescribeTaskDefinitionAsync(new() { ["taskDefinition"] = "flow" }, Ct);
                    outcomes.Add(true);
                }
                catch (AwsServiceException ex) when (ex.ErrorCode == "ServerException")
                {
                    outcomes.Add(false);
                }
            }

            Assert.All(ecs.Requests.Where(r => r.Operation == "ListTaskDefinitions"), r => Assert.Equal(200, r.StatusCode));
            return outcomes;
        }

        var first = await SequenceAsync(5);
        var again = await SequenceAsync(5);

        Assert.Equal(first, again);
        Assert.Contains(true, first);
        Assert.Contains(false, first);
    }

    [Fact]
    public async Task SetRandomFaults_InjectedFaultsComeFirst()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs, new BotocoreConfig { MaxAttempts = 1 });
        ecs.SetRandomFaults(new FakeEcsRandomFaults { ThrottlingRate = 1 });
        ecs.InjectFault("ListTaskDefinitions", FakeEcsFault.AccessDenied());

        var first = await Assert.ThrowsAsync<AwsServiceException>(() => client.ListTaskDefinitionsAsync([], Ct));
        var second = await Assert.ThrowsAsync<AwsServiceException>(() => client.ListTaskDefinitionsAsync([], Ct));

        Assert.Equal("AccessDeniedException", first.ErrorCode);
        Assert.Equal("ThrottlingException", second.ErrorCode);
    }

    [Theory]
    [InlineData(-0.1, 0)]
    [InlineData(0, 1.5)]
    [InlineData(0.6, 0.6)]
    public async Task SetRandomFaults_RatesOutOfRange_AreRefused(double throttling, double serverErrors)
    {
        await using var ecs = await FakeEcs.StartAsync();

        Assert.ThrowsAny<ArgumentException>(() => ecs.SetRandomFaults(new FakeEcsRandomFaults { ThrottlingRate = throttling, ServerErrorRate = serverErrors }));
    }

    [Fact]
    public async Task AddCapacityShortage_ClearsAfterTwoAttemptsOfTheSameLaunch_ThenStartsOneTask()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs, new BotocoreConfig { MaxAttempts = 1 });
        ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("full"));
        ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("other"));
        ecs.AddCapacityShortage(new FakeEcsCapacityShortage { Family = "full", Reason = "RESOURCE:MEMORY", Detail = "No room", ClearsAfter = 2 });

        var first = await client.RunTaskAsync(EcsTestClients.RunTask("full", clientToken: "run-1"), Ct);
        var second = await client.RunTaskAsync(EcsTestClients.RunTask("full", clientToken: "run-1"), Ct);

        // Another launch counts its own attempts; another family is not short.
        var otherLaunch = await client.RunTaskAsync(EcsTestClients.RunTask("full", clientToken: "run-2"), Ct);
        var otherFamily = await client.RunTaskAsync(EcsTestClients.RunTask("other", clientToken: "run-3"), Ct);
        var third = await client.RunTaskAsync(EcsTestClients.RunTask("full", clientToken: "run-1"), Ct);
        var replayed = await client.RunTaskAsync(EcsTestClients.RunTask("full", clientToken: "run-1"), Ct);

        foreach (var refused in new[] { first, second, otherLaunch })
        {
            Assert.Empty(refused["tasks"]!.AsArray());
            Assert.Equal("RESOURCE:MEMORY", refused["failures"]![0]!["reason"]!.GetValue<string>());
            Assert.Equal("No room", refused["failures"]![0]!["detail"]!.GetValue<string>());
        }

        Assert.Single(otherFamily["tasks"]!.AsArray());
        var task = Assert.Single(third["tasks"]!.AsArray());

        // The token was recorded when the task started: the same call again answers the same task.
        Assert.Equal(task!["taskArn"]!.GetValue<string>(), replayed["tasks"]![0]!["taskArn"]!.GetValue<string>());
        Assert.Equal(2, ecs.Tasks.Count);
    }

    [Fact]
    public async Task AddCapacityShortage_ThatNeverClears_RefusesEveryAttempt()
    {
        await using var ecs = await FakeEcs.StartAsync();
        using var client = EcsTestClients.Create(ecs, new BotocoreConfig { MaxAttempts = 1 });
        ecs.RegisterTaskDefinition(EcsTestClients.TaskDefinition("full"));
        ecs.AddCapacityShortage(new FakeEcsCapacityShortage { Reason = "RESOURCE:CPU", ClearsAfter = null });

        for (var i = 0; i < 5; i++)
        {
            var response = await client.RunTaskAsync(EcsTestClients.RunTask("full", clientToken: "run-1"), Ct);
            Assert.Equal("RESOURCE:CPU", response["failures"]![0]!["reason"]!.GetValue<string>());
        }

        Assert.Empty(ecs.Tasks);
    }

    [Fact]
    public async Task After_AnswersTheSameFaultLate()
    {
        var time = new RecordingTimeProvider();
        await using var ecs = await FakeEcs.StartAsync(new FakeEcsOptions { TimeProvider = time });
        using var client = EcsTestClients.Create(ecs, new BotocoreConfig { MaxAttempts = 1 });
        ecs.InjectFault("RegisterTaskDefinition", FakeEcsFault.ServerError().After(TimeSpan.FromSeconds(5)));

        var call = client.RegisterTaskDefinitionAsync(EcsTestClients.TaskDefinition("flow"), Ct);
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(5));
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(5));
        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal("ServerException", ex.ErrorCode);
        Assert.Equal(500, (int)ex.StatusCode);
        Assert.Empty(ecs.TaskDefinitions);
    }
}
