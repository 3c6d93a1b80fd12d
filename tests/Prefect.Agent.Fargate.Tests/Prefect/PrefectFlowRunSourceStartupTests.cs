using Prefect.Agent.Fargate.Prefect;
using Prefect.Agent.Fargate.Testing.Prefect;
using static Prefect.Agent.Fargate.Tests.Prefect.PrefectTestHelpers;

namespace Prefect.Agent.Fargate.Tests.Prefect;

public sealed class PrefectFlowRunSourceStartupTests
{
    [Fact]
    public async Task RegisterAgentAsync_Server_ResolvesTenantRegistersAndSendsHello()
    {
        await using var api = await FakePrefectApi.StartAsync();
        using var source = Source(Options(api));

        var registration = await source.RegisterAgentAsync(Registration("b", "a"), CancellationToken.None);

        Assert.Equal(["tenant", "register_agent", "hello"], api.Requests.Select(r => r.Operation));
        Assert.All(api.Requests, r => Assert.Equal(200, r.StatusCode));
        var agent = Assert.Single(api.Agents);
        Assert.Equal(agent.Id, registration.AgentId);
        Assert.Equal(api.TenantId, registration.TenantId);
        Assert.Equal("FargateAgent", agent.Type);
        Assert.Equal(["b", "a"], agent.Labels);
        Assert.Equal(api.TenantId, agent.TenantId);
        Assert.Equal(
            "{\"input\": {\"type\": \"FargateAgent\", \"name\": \"agent\", \"labels\": [\"b\", \"a\"], \"tenant_id\": \"" + api.TenantId + "\", \"agent_config_id\": null}}",
            api.Requests[1].Variables);
        Assert.Equal("query {\n    tenant {\n        id\n    }\n}", api.Requests[0].Query);
        Assert.Equal("null", api.Requests[0].Variables);
        Assert.Equal("query { hello }", api.Requests[2].Query);
    }

    [Fact]
    public async Task RegisterAgentAsync_Server_SendsExactHeadersAndAgentIdOnlyAfterRegistration()
    {
        await using var api = await FakePrefectApi.StartAsync();
        using var source = Source(Options(api));

        var registration = await source.RegisterAgentAsync(Registration(), CancellationToken.None);

        var register = api.Requests[1];
        Assert.False(register.Headers.ContainsKey("Authorization"));
        Assert.False(register.Headers.ContainsKey("X-PREFECT-TENANT-ID"));
        Assert.False(register.Headers.ContainsKey("X-PREFECT-AGENT-ID"));
        Assert.Equal("0.15.0", register.Headers["X-PREFECT-CORE-VERSION"]);
        Assert.StartsWith("application/json", register.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(registration.AgentId, api.Requests[2].Headers["X-PREFECT-AGENT-ID"]);
    }

    [Fact]
    public async Task RegisterAgentAsync_WithAgentConfig_ReadsSettings()
    {
        await using var api = await FakePrefectApi.StartAsync();
        var configId = api.AddAgentConfig(new System.Text.Json.Nodes.JsonObject { ["mode"] = "fast" });
        using var source = Source(Options(api));

        var registration = await source.RegisterAgentAsync(new AgentRegistrationRequest { Name = "agent", Labels = [], AgentConfigId = configId }, CancellationToken.None);

        Assert.Equal(["tenant", "register_agent", "agent_config", "hello"], api.Requests.Select(r => r.Operation));
        Assert.Equal("query {\n    agent_config(where: { id: { _eq: \"" + configId + "\" } }) {\n        settings\n    }\n}", api.Requests[2].Query);
        Assert.Equal("fast", registration.AgentConfigSettings?["mode"]?.GetValue<string>());
        Assert.Equal(configId, api.Agents[0].AgentConfigId);
    }

    [Fact]
    public async Task RegisterAgentAsync_CloudApiKeyWithoutTenant_AsksAuthInfoAndSendsTenantHeader()
    {
        await using var api = await FakePrefectApi.StartAsync(new FakePrefectApiOptions { Mode = FakePrefectBackendMode.CloudApiKey, ApiKey = "key-123" });
        using var source = Source(Options(api, PrefectBackend.Cloud, apiKey: "key-123"));

        var registration = await source.RegisterAgentAsync(Registration("x"), CancellationToken.None);

        Assert.Equal(["auth_info", "register_agent", "hello"], api.Requests.Select(r => r.Operation));
        Assert.Equal("query {\n    auth_info {\n        tenant_id\n    }\n}", api.Requests[0].Query);
        Assert.Equal("Bearer key-123", api.Requests[0].Headers["Authorization"]);
        Assert.False(api.Requests[0].Headers.ContainsKey("X-PREFECT-TENANT-ID"));
        Assert.Equal(api.TenantId, api.Requests[1].Headers["X-PREFECT-TENANT-ID"]);
        Assert.Equal(api.TenantId, registration.TenantId);
    }

    [Fact]
    public async Task RegisterAgentAsync_CloudApiKeyWithTenant_SkipsAuthInfo()
    {
        await using var api = await FakePrefectApi.StartAsync(new FakePrefectApiOptions { Mode = FakePrefectBackendMode.CloudApiKey });
        using var source = Source(Options(api, PrefectBackend.Cloud, apiKey: api.Options.ApiKey, tenantId: api.TenantId));

        await source.RegisterAgentAsync(Registration(), CancellationToken.None);

        Assert.Equal(["register_agent", "hello"], api.Requests.Select(r => r.Operation));
        Assert.All(api.Requests, r => Assert.Equal(api.TenantId, r.Headers["X-PREFECT-TENANT-ID"]));
    }

    [Fact]
    public async Task RegisterAgentAsync_CloudRunnerToken_ChecksScopeAndRegistersWithoutTenant()
    {
        await using var api = await FakePrefectApi.StartAsync(new FakePrefectApiOptions { Mode = FakePrefectBackendMode.CloudToken, AgentToken = "tok" });
        using var source = Source(Options(api, PrefectBackend.Cloud, token: "tok"));

        await source.RegisterAgentAsync(Registration(), CancellationToken.None);

        Assert.Equal(["auth_info", "register_agent", "hello"], api.Requests.Select(r => r.Operation));
        Assert.Equal("query {\n    auth_info {\n        api_token_scope\n    }\n}", api.Requests[0].Query);
        Assert.All(api.Requests, r => Assert.Equal("Bearer tok", r.Headers["Authorization"]));
        Assert.All(api.Requests, r => Assert.False(r.Headers.ContainsKey("X-PREFECT-TENANT-ID")));
        Assert.Contains("\"tenant_id\": null", api.Requests[1].Variables, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisterAgentAsync_CloudTokenWithoutRunnerScope_ThrowsAuthenticationNamingTheToken()
    {
        await using var api = await FakePrefectApi.StartAsync(new FakePrefectApiOptions { Mode = FakePrefectBackendMode.CloudToken, AgentToken = "secret-tok", TokenScope = "USER" });
        using var source = Source(Options(api, PrefectBackend.Cloud, token: "secret-tok"));

        var ex = await Assert.ThrowsAsync<PrefectAuthenticationException>(() => source.RegisterAgentAsync(Registration(), CancellationToken.None));

        Assert.Contains("agent token", ex.Message, StringComparison.Ordinal);
        Assert.Contains("RUNNER", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-tok", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["auth_info"], api.Requests.Select(r => r.Operation));
        Assert.Empty(api.Agents);
    }

    [Fact]
    public async Task RegisterAgentAsync_CloudWithoutAnyCredential_ThrowsBeforeAnyRequest()
    {
        await using var api = await FakePrefectApi.StartAsync(new FakePrefectApiOptions { Mode = FakePrefectBackendMode.CloudToken });
        using var source = Source(Options(api, PrefectBackend.Cloud));

        var ex = await Assert.ThrowsAsync<PrefectAuthenticationException>(() => source.RegisterAgentAsync(Registration(), CancellationToken.None));

        Assert.Contains("No agent API token provided", ex.Message, StringComparison.Ordinal);
        Assert.Empty(api.Requests);
    }

    [Fact]
    public async Task RegisterAgentAsync_WrongApiKey_ThrowsAuthenticationNamingTheKeyNotItsValue()
    {
        await using var api = await FakePrefectApi.StartAsync(new FakePrefectApiOptions { Mode = FakePrefectBackendMode.CloudApiKey, ApiKey = "right" });
        using var source = Source(Options(api, PrefectBackend.Cloud, apiKey: "wrong-key-value"));

        var ex = await Assert.ThrowsAsync<PrefectAuthenticationException>(() => source.RegisterAgentAsync(Registration(), CancellationToken.None));

        Assert.Contains("API key", ex.Message, StringComparison.Ordinal);
        Assert.Contains("PREFECT__CLOUD__API_KEY", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-key-value", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisterAgentAsync_Http401_ThrowsAuthentication()
    {
        await using var api = await FakePrefectApi.StartAsync();
        api.InjectFault(FakePrefectFault.ServerError(401));
        using var source = Source(Options(api, apiKey: "k"));

        var ex = await Assert.ThrowsAsync<PrefectAuthenticationException>(() => source.RegisterAgentAsync(Registration(), CancellationToken.None));

        Assert.Contains("HTTP 401", ex.Message, StringComparison.Ordinal);
        Assert.Single(api.Requests);
    }

    [Fact]
    public async Task RegisterAgentAsync_UnauthenticatedError_ThrowsAuthentication()
    {
        await using var api = await FakePrefectApi.StartAsync();
        api.InjectFault(FakePrefectFault.Unauthenticated());
        using var source = Source(Options(api, token: "t0k3n"));

        var ex = await Assert.ThrowsAsync<PrefectAuthenticationException>(() => source.RegisterAgentAsync(Registration(), CancellationToken.None));

        Assert.Contains("agent token", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("t0k3n", ex.Message, StringComparison.Ordinal);
    }
}
