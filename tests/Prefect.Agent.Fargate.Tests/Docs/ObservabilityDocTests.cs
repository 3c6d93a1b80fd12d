using System.Diagnostics.Metrics;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Prefect.Agent.Fargate.Diagnostics;

namespace Prefect.Agent.Fargate.Tests.Docs;

/// <summary>Keeps docs/observability.md true: every log event, instrument and activity of the library is on the page.</summary>
public sealed class ObservabilityDocTests
{
    private static readonly string Page = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Docs", "observability.md"));

    [Fact]
    public void Every_log_event_of_the_library_is_listed_with_its_id_and_name()
    {
        var events = typeof(FargateAgent).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(e => e.Attribute is not null)
            .ToList();
        Assert.True(events.Count > 50, $"only {events.Count} [LoggerMessage] methods found");

        var missing = events
            .Where(e => !Page.Contains($"| {e.Attribute!.EventId} | {e.Method.Name} |", StringComparison.Ordinal))
            .Select(e => $"| {e.Attribute!.EventId} | {e.Method.Name} | {e.Attribute.Level} | (in {e.Method.DeclaringType!.Name})")
            .ToList();
        Assert.True(missing.Count == 0, "docs/observability.md lacks these log events (add the rows to the table of their class):\n" + string.Join('\n', missing));
    }

    [Fact]
    public void Every_instrument_the_agent_creates_is_listed_with_its_unit()
    {
        var created = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == FargateAgentDiagnostics.MeterName)
                {
                    lock (created)
                    {
                        created.Add(instrument);
                    }
                }
            },
        };
        listener.Start();
        using (new AgentTelemetry(meterFactory: null, "docs"))
        {
            Assert.NotEmpty(created);
        }

        var missing = created
            .Where(i => !Page.Split('\n').Any(line => line.StartsWith($"| `{i.Name}` |", StringComparison.Ordinal) && line.Contains($"| `{i.Unit}` |", StringComparison.Ordinal)))
            .Select(i => $"| `{i.Name}` | {i.GetType().Name} | `{i.Unit}` | ... | {i.Description} |")
            .ToList();
        Assert.True(missing.Count == 0, "docs/observability.md lacks these instruments (or their unit) in its Metrics table:\n" + string.Join('\n', missing));
    }

    [Fact]
    public void The_names_tags_and_activities_are_on_the_page()
    {
        var names = typeof(AgentInstruments).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .Append(FargateAgentDiagnostics.MeterName)
            .Append(FargateAgentDiagnostics.ActivitySourceName);

        var missing = names.Where(n => !Page.Contains($"`{n}`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "docs/observability.md does not name: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_public_names_are_the_ones_the_agent_publishes_under()
    {
        Assert.Equal(FargateAgentDiagnostics.MeterName, AgentTelemetry.Name);
        Assert.Equal(FargateAgentDiagnostics.ActivitySourceName, AgentTelemetry.ActivitySource.Name);
        Assert.Contains("AddMeter(FargateAgentDiagnostics.MeterName)", Page, StringComparison.Ordinal);
        Assert.Contains("AddSource(FargateAgentDiagnostics.ActivitySourceName)", Page, StringComparison.Ordinal);
    }

    [Fact]
    public void The_readme_links_the_page()
    {
        Assert.Contains("(docs/observability.md)", File.ReadAllText(Path.Combine(RepositoryFiles.Root, "README.md")), StringComparison.Ordinal);
    }
}
