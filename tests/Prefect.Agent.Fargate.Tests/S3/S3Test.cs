using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Prefect.Agent.Fargate.S3;

namespace Prefect.Agent.Fargate.Tests.S3;

/// <summary>Shared pieces of the S3 tests: options for s3rver, a simple ASCII slug, runs, captured logs.</summary>
internal static partial class S3Test
{
    /// <summary>Gets a stand-in for python-slugify, right for ASCII names (the real one is the kwargs work's).</summary>
    public static string Slug(string text) => Separators().Replace(text.ToLowerInvariant(), "-").Trim('-');

    public static AgentOptions Options(Uri? endpoint, string? prefix = null, string bucket = S3rverFixture.Bucket, string key = S3rverFixture.AccessKey) => new()
    {
        UseExternalKwargs = true,
        ExternalKwargsS3Bucket = bucket,
        ExternalKwargsS3Key = prefix,
        AwsAccessKeyId = key,
        AwsSecretAccessKey = key,
        RegionName = "us-east-1",
        S3ServiceUrl = endpoint,
        S3ForcePathStyle = true,
        BotocoreConfig = new BotocoreConfig { MaxAttempts = 1 },
    };

    public static S3ExternalKwargsProvider Provider(AgentOptions options, FakeLogCollector? logs = null)
    {
        if (logs is not null)
        {
            options.LoggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
        }

        return S3ExternalKwargsProvider.Create(options, _ => null, Slug);
    }

    public static FlowRun Run(string flowName, string flowId) => new()
    {
        Id = "run-" + flowId,
        Version = 1,
        Flow = new FlowInfo { Id = flowId, Name = flowName },
    };

    /// <summary>A fresh flow id per test: the tests share one server.</summary>
    public static string NewFlowId() => Guid.NewGuid().ToString();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex Separators();
}
