using Prefect.Agent.Fargate.Prefect;
using Prefect.Agent.Fargate.Testing.Prefect;
using static Prefect.Agent.Fargate.Tests.Prefect.PrefectTestHelpers;

namespace Prefect.Agent.Fargate.Tests.Prefect;

/// <summary>An agent set for Cloud that meets Prefect Server (or the reverse) says which backend to set, at its first call.</summary>
public sealed class PrefectBackendMismatchTests
{
    [Fact]
    public async Task RegisterAgentAsync_CloudWithAKeyAgainstServer_SaysSetTheBackendToServer()
    {
        await using var api = await FakePrefectApi.StartAsync();
        using var source = Source(Options(api, PrefectBackend.Cloud, apiKey: "key-123"));

        var ex = await Assert.ThrowsAsync<PrefectApiException>(() => source.RegisterAgentAsync(Registration(), CancellationToken.None));

        Assert.Contains("Cannot query field", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"The API at {api.Url} answers like Prefect Server (it has no auth_info): set PREFECT__BACKEND=server (CLI --backend server", ex.Message, StringComparison.Ordinal);
        Assert.Empty(api.Agents);
    }

    [Fact]
    public async Task RegisterAgentAsync_CloudWithoutCredentialsAgainstALocalApi_SuggestsServer()
    {
        await using var api = await FakePrefectApi.StartAsync();
        using var source = Source(Options(api, PrefectBackend.Cloud));

        var ex = await Assert.ThrowsAsync<PrefectAuthenticationException>(() => source.RegisterAgentAsync(Registration(), CancellationToken.None));

        Assert.StartsWith("No agent API token provided: Prefect Cloud needs an API key", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith($"If {api.Url} is a Prefect Server, set PREFECT__BACKEND=server (CLI --backend server, AgentOptions.Backend = PrefectBackend.Server).", ex.Message, StringComparison.Ordinal);
        Assert.Empty(api.Requests);
    }

    [Fact]
    public async Task RegisterAgentAsync_CloudWithoutCredentialsAgainstPrefectCloud_NamesOnlyTheCredentials()
    {
        var options = new AgentOptions { Backend = PrefectBackend.Cloud, ApiUrl = new Uri("https://api.prefect.io") };
        using var source = Source(options);

        var ex = await Assert.ThrowsAsync<PrefectAuthenticationException>(() => source.RegisterAgentAsync(Registration(), CancellationToken.None));

        Assert.DoesNotContain("PREFECT__BACKEND", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisterAgentAsync_ServerAgainstCloud_SaysSetTheBackendToCloud()
    {
        await using var api = await FakePrefectApi.StartAsync(new FakePrefectApiOptions { Mode = FakePrefectBackendMode.CloudApiKey, ApiKey = "key-123" });
        using var source = Source(Options(api, PrefectBackend.Server));

        var ex = await Assert.ThrowsAsync<PrefectAuthenticationException>(() => source.RegisterAgentAsync(Registration(), CancellationToken.None));

        Assert.Contains("It answers like Prefect Cloud: set PREFECT__BACKEND=cloud (CLI --backend cloud", ex.Message, StringComparison.Ordinal);
        Assert.Empty(api.Agents);
    }
}
