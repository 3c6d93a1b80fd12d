using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Prefect.Agent.Fargate.S3;
using static Prefect.Agent.Fargate.Tests.S3.S3Test;

namespace Prefect.Agent.Fargate.Tests.S3;

/// <summary>The external kwargs provider against a real s3rver.</summary>
public sealed class S3ExternalKwargsProviderTests : IClassFixture<S3rverFixture>
{
    private const string Secret = "sup3r-s3cret-t0ken";
    private readonly S3rverFixture s3;

    public S3ExternalKwargsProviderTests(S3rverFixture s3) => this.s3 = s3;

    [Fact]
    public async Task GetKwargsAsync_ObjectPresent_ReturnsItsTaskDefinitionRunAndContainerSettings()
    {
        var flowId = NewFlowId();
        const string body = """
            {
              "cpu": "1024", "memory": "2048", "taskRoleArn": "arn:aws:iam::123456789012:role/flow",
              "cluster": "flows", "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"]}},
              "environment": [{"name": "STAGE", "value": "prod"}],
              "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "flows"}},
              "tags": [{"key": "team", "value": "data"}]
            }
            """;
        await s3.PutAsync($"prefect/my-flow/{flowId[..8]}.json", body);
        using var provider = Provider(Options(s3.Endpoint, prefix: "prefect"));

        var kwargs = await provider.GetKwargsAsync(Run("My Flow", flowId), CancellationToken.None);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(body), kwargs));
    }

    [Fact]
    public async Task GetKwargsAsync_ObjectMissing_ReturnsNullAndSaysWhereItLooked()
    {
        var flowId = NewFlowId();
        var logs = new FakeLogCollector();
        using var provider = Provider(Options(s3.Endpoint, prefix: "prefect"), logs);

        var kwargs = await provider.GetKwargsAsync(Run("My Flow", flowId), CancellationToken.None);

        Assert.Null(kwargs);
        var record = Assert.Single(logs.GetSnapshot(), r => r.Id.Name == "NoExternalKwargs");
        Assert.Equal(LogLevel.Information, record.Level);
        Assert.Contains($"s3://{S3rverFixture.Bucket}/prefect/my-flow/{flowId[..8]}.json", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetKwargsAsync_InvalidJson_ThrowsNamingBucketKeyAndPosition()
    {
        var flowId = NewFlowId();
        var key = $"my-flow/{flowId[..8]}.json";
        await s3.PutAsync(key, "{\"token\": \"" + Secret + "\",\n \"memory\": }");
        var logs = new FakeLogCollector();
        using var provider = Provider(Options(s3.Endpoint), logs);

        var error = await Assert.ThrowsAsync<ExternalKwargsException>(() => provider.GetKwargsAsync(Run("My Flow", flowId), CancellationToken.None));

        Assert.Contains($"s3://{S3rverFixture.Bucket}/{key}", error.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON at line 2, byte 12", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Message.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetKwargsAsync_DuplicateKey_ThrowsNamingTheKey()
    {
        var flowId = NewFlowId();
        await s3.PutAsync($"my-flow/{flowId[..8]}.json", """{"cpu": "256", "cpu": "512"}""");
        using var provider = Provider(Options(s3.Endpoint));

        var error = await Assert.ThrowsAsync<ExternalKwargsException>(() => provider.GetKwargsAsync(Run("My Flow", flowId), CancellationToken.None));

        Assert.Contains($"s3://{S3rverFixture.Bucket}/my-flow/{flowId[..8]}.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("duplicate key", error.Message, StringComparison.Ordinal);
        Assert.Contains("cpu", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[{\"cpu\": \"1024\"}]", "an array")]
    [InlineData("null", "null")]
    [InlineData("\"cpu=1024\"", "a string")]
    public async Task GetKwargsAsync_JsonNotAnObject_ThrowsSayingWhatItHolds(string body, string kind)
    {
        var flowId = NewFlowId();
        await s3.PutAsync($"my-flow/{flowId[..8]}.json", body);
        using var provider = Provider(Options(s3.Endpoint));

        var error = await Assert.ThrowsAsync<ExternalKwargsException>(() => provider.GetKwargsAsync(Run("My Flow", flowId), CancellationToken.None));

        Assert.Contains($"s3://{S3rverFixture.Bucket}/my-flow/{flowId[..8]}.json", error.Message, StringComparison.Ordinal);
        Assert.Contains($"must be a JSON object of kwargs", error.Message, StringComparison.Ordinal);
        Assert.Contains($"holds {kind}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("teams/data/agent-1", "teams/data/agent-1/")]
    [InlineData("teams/data/", "teams/data/")]
    [InlineData("", "")]

    // A leading '/' (kept, as os.path.join does) is covered by S3ObjectKeyTests: s3rver drops it from stored keys.
    public async Task GetKwargsAsync_PrefixWithSlashes_ReadsTheJoinedKey(string prefix, string expectedStart)
    {
        var flowId = NewFlowId();
        await s3.PutAsync($"{expectedStart}etl-daily-v2/{flowId[..8]}.json", """{"cpu": "512"}""");
        using var provider = Provider(Options(s3.Endpoint, prefix: prefix));

        var kwargs = await provider.GetKwargsAsync(Run("ETL: Daily (v2)", flowId), CancellationToken.None);

        Assert.Equal("512", kwargs?["cpu"]?.ToString());
    }

    [Fact]
    public async Task GetKwargsAsync_WrongCredentials_ThrowsWithTheRealReason()
    {
        var flowId = NewFlowId();
        await s3.PutAsync($"my-flow/{flowId[..8]}.json", """{"cpu": "512"}""");
        using var provider = Provider(Options(s3.Endpoint, key: "AKIAWRONGWRONGWRONG0"));

        var error = await Assert.ThrowsAsync<ExternalKwargsException>(() => provider.GetKwargsAsync(Run("My Flow", flowId), CancellationToken.None));

        Assert.Contains("InvalidAccessKeyId (HTTP 403", error.Message, StringComparison.Ordinal);
        Assert.Contains($"s3://{S3rverFixture.Bucket}/my-flow/{flowId[..8]}.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("Check the agent's AWS credentials", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetKwargsAsync_MissingBucket_ThrowsNamingTheBucket()
    {
        using var provider = Provider(Options(s3.Endpoint, bucket: "no-such-bucket"));

        var error = await Assert.ThrowsAsync<ExternalKwargsException>(() => provider.GetKwargsAsync(Run("My Flow", NewFlowId()), CancellationToken.None));

        Assert.Contains("s3://no-such-bucket/my-flow/", error.Message, StringComparison.Ordinal);
        Assert.Contains("NoSuchBucket (HTTP 404", error.Message, StringComparison.Ordinal);
        Assert.Contains("ExternalKwargsS3Bucket", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetKwargsAsync_EndpointUnreachable_ThrowsNamingBucketAndKey()
    {
        // Port 1 on loopback refuses connections: a network error, not "no kwargs".
        using var provider = Provider(Options(new Uri("http://127.0.0.1:1/")));

        var error = await Assert.ThrowsAsync<ExternalKwargsException>(() => provider.GetKwargsAsync(Run("My Flow", NewFlowId()), CancellationToken.None));

        Assert.StartsWith($"Reading the external kwargs from s3://{S3rverFixture.Bucket}/my-flow/", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public async Task GetKwargsAsync_ObjectWithSecrets_LogsItsKeysButNeverItsBody()
    {
        var flowId = NewFlowId();
        await s3.PutAsync($"my-flow/{flowId[..8]}.json", $$"""{"environment": [{"name": "TOKEN", "value": "{{Secret}}"}], "cpu": "256"}""");
        var logs = new FakeLogCollector();
        using var provider = Provider(Options(s3.Endpoint), logs);

        var kwargs = await provider.GetKwargsAsync(Run("My Flow", flowId), CancellationToken.None);

        Assert.Equal(Secret, kwargs?["environment"]?[0]?["value"]?.ToString());
        var records = logs.GetSnapshot();
        Assert.DoesNotContain(records, r => r.Message.Contains(Secret, StringComparison.Ordinal));
        var read = Assert.Single(records, r => r.Id.Name == "ExternalKwargsRead");
        Assert.EndsWith(": environment, cpu", read.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_WithoutBucket_ThrowsNamingTheOption()
    {
        var error = Assert.Throws<ArgumentException>(() => Provider(Options(s3.Endpoint, bucket: "")));

        Assert.Contains("ExternalKwargsS3Bucket", error.Message, StringComparison.Ordinal);
    }
}
