using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Prefect.Agent.Fargate.Kwargs;

namespace Prefect.Agent.Fargate.Tests.Kwargs;

public class KwargsLogTests
{
    [Fact]
    public void LogParsed_LogsKeysNeverValues()
    {
        var parsed = KwargsParser.Parse(
            Json.Kwargs(("subnets", "['s']"), ("containerDefinitions", "[{'secrets': [{'name': 'S', 'valueFrom': 'arn:very-secret'}]}]")),
            name => name == "cluster" ? "secret-cluster" : null);
        var collector = new FakeLogCollector();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(collector)));

        factory.CreateLogger("t").LogParsed(parsed);

        var messages = collector.GetSnapshot().Select(r => r.Message).ToList();
        Assert.Contains("Kwarg subnets is not used by the agent and is ignored", messages);
        Assert.Contains("Kwarg read from the environment variable cluster", messages);
        Assert.Contains("Kwargs parsed: task definition , run cluster, container secrets", messages);
        Assert.DoesNotContain(messages, m => m.Contains("secret-cluster", StringComparison.Ordinal) || m.Contains("very-secret", StringComparison.Ordinal));
    }
}
