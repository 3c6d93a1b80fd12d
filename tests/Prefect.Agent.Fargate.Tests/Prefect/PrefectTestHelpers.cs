using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Prefect.Agent.Fargate.Prefect;
using Prefect.Agent.Fargate.Testing.Prefect;

namespace Prefect.Agent.Fargate.Tests.Prefect;

internal static class PrefectTestHelpers
{
    public static AgentOptions Options(FakePrefectApi api, PrefectBackend backend = PrefectBackend.Server, string? apiKey = null, string? token = null, string? tenantId = null, TimeProvider? time = null) => new()
    {
        ApiUrl = api.Url,
        Backend = backend,
        ApiKey = apiKey,
        AgentToken = token,
        TenantId = tenantId,
        TimeProvider = time ?? TimeProvider.System,
    };

    public static PrefectClientSettings FastSettings() => new()
    {
        RequestTimeout = TimeSpan.FromSeconds(15),
        MaxRetries = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        RetryMaxDelay = TimeSpan.FromMilliseconds(20),
        LogFlushInterval = TimeSpan.Zero,
    };

    public static PrefectFlowRunSource Source(AgentOptions options, PrefectClientSettings? settings = null) =>
        PrefectFlowRunSource.Create(options, null, settings ?? FastSettings());

    public static AgentRegistrationRequest Registration(params string[] labels) => new() { Name = "agent", Labels = labels };

    public static async Task<(FakePrefectApi Api, PrefectFlowRunSource Source)> StartRegisteredServerAsync(FakePrefectApiOptions? fakeOptions = null, TimeProvider? time = null, PrefectClientSettings? settings = null, params string[] labels)
    {
        var api = await FakePrefectApi.StartAsync(fakeOptions);
        var source = Source(Options(api, time: time), settings);
        await source.RegisterAgentAsync(Registration(labels), CancellationToken.None);
        return (api, source);
    }

    /// <summary>Advances fake time in steps until the task completes (bounded by a real-time guard).</summary>
    public static async Task<TimeSpan> AdvanceUntilDoneAsync(FakeTimeProvider time, Task task, TimeSpan step)
    {
        var advanced = TimeSpan.Zero;
        var guard = 0;
        while (!task.IsCompleted && guard++ < 2000)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System, CancellationToken.None);
            time.Advance(step);
            advanced += step;
        }

        await task;
        return advanced;
    }

    public static JsonObject Variables(FakePrefectRequest request) => (JsonObject)JsonNode.Parse(request.Variables!)!;
}
