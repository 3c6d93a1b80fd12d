using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Prefect.Agent.Fargate.Diagnostics;
using Prefect.Agent.Fargate.Tests.Fakes;

namespace Prefect.Agent.Fargate.Tests.Hosting;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Health_Get_AnswersEmptyJsonWithTheOriginalContentType()
    {
        var pokes = 0;
        await using var endpoint = await StartAsync(() => pokes++);
        using var client = new HttpClient();

        using var response = await client.GetAsync(Url(endpoint, "/api/health"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{}", await response.Content.ReadAsStringAsync());
        Assert.Equal("application/json; charset=UTF-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(0, pokes);
    }

    [Fact]
    public async Task Poke_Get_AnswersEmptyAndPokes()
    {
        var pokes = 0;
        await using var endpoint = await StartAsync(() => Interlocked.Increment(ref pokes));
        using var client = new HttpClient();

        using var response = await client.GetAsync(Url(endpoint, "/api/poke?now=1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());
        Assert.Equal(1, pokes);
    }

    [Theory]
    [InlineData("/api/other")]
    [InlineData("/api/health/")]
    [InlineData("/")]
    public async Task OtherPath_Answers404(string path)
    {
        await using var endpoint = await StartAsync(() => { });
        using var client = new HttpClient();

        using var response = await client.GetAsync(Url(endpoint, path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task OtherMethod_Answers405()
    {
        var pokes = 0;
        await using var endpoint = await StartAsync(() => pokes++);
        using var client = new HttpClient();

        using var response = await client.PostAsync(Url(endpoint, "/api/poke"), new StringContent("x"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(0, pokes);
    }

    [Fact]
    public async Task Agent_PokedOverHttp_PollsAtOnce()
    {
        var harness = new AgentHarness();
        await using var agent = harness.Create(o =>
        {
            o.MaxPolls = 2;
            o.AgentAddress = "http://127.0.0.1:0";
        });

        var run = agent.StartAsync();
        await harness.Time.WaitForTimerAsync(TimeSpan.FromSeconds(0.5));
        using var client = new HttpClient();
        using var response = await client.GetAsync(Url(agent.HealthEndpoint!, "/api/poke"));

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, harness.Source.PollCount);
        Assert.Null(agent.HealthEndpoint);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", "127.0.0.1", 8080)]
    [InlineData("http://:8080", "", 8080)]
    [InlineData("http://localhost:0/", "localhost", 0)]
    [InlineData("http://[::1]:9000", "::1", 9000)]
    public void AgentAddress_WithPort_Parses(string text, string host, int port)
    {
        Assert.True(AgentAddress.TryParse(text, out var address, out _));
        Assert.Equal(new AgentAddress(host, port), address);
    }

    [Theory]
    [InlineData("http://localhost")]
    [InlineData("localhost:8080")]
    [InlineData("http://127.0.0.1:")]
    public void AgentAddress_WithoutPort_FailsLikeTheOriginal(string text)
    {
        Assert.False(AgentAddress.TryParse(text, out _, out var error));
        Assert.Contains("Must specify port in agent address", error, StringComparison.Ordinal);
        Assert.Contains("AgentAddress", error, StringComparison.Ordinal);
        Assert.Contains("'" + text + "'", error, StringComparison.Ordinal);
    }

    private static Task<HealthEndpoint> StartAsync(Action onPoke) =>
        HealthEndpoint.StartAsync(new AgentAddress("127.0.0.1", 0), onPoke, TimeProvider.System, NullLogger.Instance, CancellationToken.None);

    private static Uri Url(HealthEndpoint endpoint, string path) => new($"http://127.0.0.1:{endpoint.LocalEndpoint.Port}{path}");
}
