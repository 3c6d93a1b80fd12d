using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Testing.Prefect;

namespace Prefect.Agent.Fargate.Tests.Integration.Agent;

/// <summary>Issue 2 end to end: no secret in any log line, at any level, of any category, nor where it has no business.</summary>
public sealed class AgentSecretsEndToEndTests
{
    private const string ApiKey = "pnu_e2eSecretApiKey7f3a9c0000000000";
    private const string AgentToken = "e2e-secret-agent-token-5b8d1e";
    private const string SessionToken = "FwoGZXIvYXdzEE2eSecretSessionToken0123456789";

    [Fact]
    public async Task StartAsync_SuccessAndFailures_NoSecretInAnyLogOrMisplacedRequest()
    {
        await using var e2e = await AgentEndToEnd.StartAsync(new FakePrefectApiOptions { Mode = FakePrefectBackendMode.CloudApiKey, ApiKey = ApiKey });
        e2e.Environment.Remove("PREFECT__BACKEND");
        e2e.Environment["PREFECT__CLOUD__API_KEY"] = ApiKey;
        e2e.Environment["PREFECT__CLOUD__TENANT_ID"] = e2e.Api.TenantId;
        e2e.Environment["PREFECT__CLOUD__AGENT__AUTH_TOKEN"] = AgentToken;
        e2e.Environment["AWS_SESSION_TOKEN"] = SessionToken;
        var first = e2e.AddRun("Good flow");
        var second = e2e.AddRun("Other good flow");
        var noImage = e2e.AddRunWithoutImage();
        e2e.Ecs.InjectFault("RunTask", FakeEcsFault.AccessDenied());
        e2e.Ecs.InjectFault("RegisterTaskDefinition", FakeEcsFault.ServerError());

        var options = e2e.Options(maxPolls: 2);
        options.DeploymentRetryTimeout = TimeSpan.Zero; // the transient 500 fails its run at once: the failure path is logged too
        await e2e.RunAsync(options);

        // The deployment happened with every secret configured, through success and failure paths.
        Assert.Equal("Failed", noImage.State);
        Assert.Equal(["Failed", "Submitted"], new[] { first.State, second.State }.Order());
        Assert.Equal(2, e2e.Calls("RunTask").Count);
        Assert.Contains(e2e.Ecs.Requests, r => r.Headers.TryGetValue("x-amz-security-token", out var t) && t == SessionToken);

        var logs = e2e.AllLogText();
        Assert.Contains("Registration successful", logs, StringComparison.Ordinal);
        foreach (var secret in new[] { ApiKey, AgentToken, FakeEcs.SecretAccessKey, SessionToken })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }

        // Prefect: the key only in the Authorization header; never the token or the AWS secrets.
        foreach (var request in e2e.Api.Requests)
        {
            Assert.Equal("Bearer " + ApiKey, request.Headers["Authorization"]);
            var headers = string.Join("\n", request.Headers.Where(h => h.Key != "Authorization").Select(h => h.Key + ": " + h.Value));
            foreach (var secret in new[] { ApiKey, AgentToken, FakeEcs.SecretAccessKey, SessionToken })
            {
                Assert.DoesNotContain(secret, request.Body, StringComparison.Ordinal);
                Assert.DoesNotContain(secret, headers, StringComparison.Ordinal);
            }
        }

        // ECS: the key and token only in RunTask's container overrides (issue 4 item 1), never in a task definition;
        // the session token only in its header; the secret key nowhere.
        foreach (var request in e2e.Ecs.Requests)
        {
            var headers = string.Join("\n", request.Headers.Where(h => h.Key != "x-amz-security-token").Select(h => h.Key + ": " + h.Value));
            Assert.DoesNotContain(FakeEcs.SecretAccessKey, request.Body + headers, StringComparison.Ordinal);
            Assert.DoesNotContain(SessionToken, request.Body + headers, StringComparison.Ordinal);
            Assert.DoesNotContain(ApiKey, headers, StringComparison.Ordinal);
            if (request.Operation != "RunTask")
            {
                Assert.DoesNotContain(ApiKey, request.Body, StringComparison.Ordinal);
                Assert.DoesNotContain(AgentToken, request.Body, StringComparison.Ordinal);
            }
            else
            {
                var body = AgentEndToEnd.Body(request);
                body.Remove("overrides");
                Assert.DoesNotContain(ApiKey, body.ToJsonString(), StringComparison.Ordinal);
                Assert.Contains(ApiKey, request.Body, StringComparison.Ordinal);
            }
        }

        Assert.All(e2e.Ecs.TaskDefinitions, d => Assert.DoesNotContain(ApiKey, d.Definition.ToJsonString(), StringComparison.Ordinal));
    }
}
