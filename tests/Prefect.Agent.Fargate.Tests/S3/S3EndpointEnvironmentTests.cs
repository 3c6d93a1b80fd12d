using static Prefect.Agent.Fargate.Tests.S3.S3Test;

namespace Prefect.Agent.Fargate.Tests.S3;

/// <summary>The S3 endpoint from the SDK's own <c>AWS_ENDPOINT_URL_S3</c> handling (process environment).</summary>
[Collection("ProcessEnvironment")]
public sealed class S3EndpointEnvironmentTests : IClassFixture<S3rverFixture>
{
    private readonly S3rverFixture s3;

    public S3EndpointEnvironmentTests(S3rverFixture s3) => this.s3 = s3;

    [Theory]
    [InlineData("AWS_ENDPOINT_URL_S3")]
    [InlineData("AWS_ENDPOINT_URL")]
    public async Task GetKwargsAsync_EndpointFromEnvironment_ReadsFromThatEndpoint(string variable)
    {
        var flowId = NewFlowId();
        await s3.PutAsync($"env/my-flow/{flowId[..8]}.json", """{"memory": "4096"}""");
        var previous = Environment.GetEnvironmentVariable(variable);
        Environment.SetEnvironmentVariable(variable, s3.Endpoint.ToString().TrimEnd('/'));
        try
        {
            // A region is set too: the SDK quirk that loses an env endpoint when ServiceURL is read first must not bite.
            using var provider = Provider(Options(endpoint: null, prefix: "env"));

            var kwargs = await provider.GetKwargsAsync(Run("My Flow", flowId), CancellationToken.None);

            Assert.Equal("4096", kwargs?["memory"]?.ToString());
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, previous);
        }
    }
}
