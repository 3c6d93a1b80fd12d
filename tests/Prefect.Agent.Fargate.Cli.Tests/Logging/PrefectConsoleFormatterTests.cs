using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Prefect.Agent.Fargate.Cli.Logging;

namespace Prefect.Agent.Fargate.Cli.Tests.Logging;

public class PrefectConsoleFormatterTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2021, 7, 1, 20, 0, 5, 873, TimeSpan.FromHours(2)));

    [Fact]
    public void Write_InfoMessage_MatchesTheOriginalFormatInUtc()
    {
        var line = Format(LogLevel.Information, "Waiting for flow runs...");

        Assert.Equal("[2021-07-01 18:00:05,873] INFO - agent | Waiting for flow runs...\n", line);
    }

    [Theory]
    [InlineData(LogLevel.Debug, "DEBUG")]
    [InlineData(LogLevel.Warning, "WARNING")]
    [InlineData(LogLevel.Error, "ERROR")]
    [InlineData(LogLevel.Critical, "CRITICAL")]
    public void Write_Level_UsesPythonLevelNames(LogLevel level, string name)
    {
        Assert.StartsWith($"[2021-07-01 18:00:05,873] {name} - agent | ", Format(level, "x"), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_AgentName_IsShownAsTheLoggerName()
    {
        var line = Format(LogLevel.Information, "hi", options: new PrefectConsoleFormatterOptions { AgentName = "fargate-prod" });

        Assert.Contains(" - fargate-prod | hi", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ExceptionAtInfo_ShowsTypeAndMessageWithoutStackTrace()
    {
        var line = Format(LogLevel.Error, "Deployment failed", Thrown());

        Assert.Equal("[2021-07-01 18:00:05,873] ERROR - agent | Deployment failed\nInvalidOperationException: boom\n", line);
    }

    [Fact]
    public void Write_ExceptionWithDetails_ShowsTheStackTrace()
    {
        var line = Format(LogLevel.Error, "Deployment failed", Thrown(), new PrefectConsoleFormatterOptions { IncludeExceptionDetails = true });

        Assert.Contains("   at ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_NoMessageNoException_WritesNothing()
    {
        Assert.Equal(string.Empty, Format(LogLevel.Information, null));
    }

    private static InvalidOperationException Thrown()
    {
        try
        {
            throw new InvalidOperationException("boom");
        }
        catch (InvalidOperationException ex)
        {
            return ex;
        }
    }

    private string Format(LogLevel level, string? message, Exception? exception = null, PrefectConsoleFormatterOptions? options = null)
    {
        options ??= new PrefectConsoleFormatterOptions();
        options.TimeProvider = time;
        var formatter = new PrefectConsoleFormatter(new StaticOptionsMonitor(options));
        var entry = new LogEntry<string?>(level, "cat", new EventId(1), message, exception, (s, _) => s!);
        using var writer = new StringWriter();
        formatter.Write(entry, null, writer);
        return writer.ToString();
    }

    private sealed class StaticOptionsMonitor(PrefectConsoleFormatterOptions value) : IOptionsMonitor<PrefectConsoleFormatterOptions>
    {
        public PrefectConsoleFormatterOptions CurrentValue => value;

        public PrefectConsoleFormatterOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<PrefectConsoleFormatterOptions, string?> listener) => null;
    }
}
