using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace Prefect.Agent.Fargate.Hosting;

/// <summary>
/// Binds <see cref="AgentOptions"/> from configuration: the source-generated binder for everything it can build, and
/// by hand the two things it cannot: <see cref="AgentOptions.Kwargs"/> (JSON nodes) and
/// <see cref="AgentOptions.PollIntervals"/> (the binder would append to the default schedule instead of replacing it).
/// </summary>
internal static class AgentOptionsConfiguration
{
    public static void Bind(IConfiguration section, AgentOptions options)
    {
        var intervals = section.GetSection(nameof(AgentOptions.PollIntervals));
        var kwargs = section.GetSection(nameof(AgentOptions.Kwargs));
        var keptKwargs = options.Kwargs;

        // The generated binder skips the properties it cannot build (SYSLIB1100/1101, silenced in the project file):
        // Kwargs, read below, and the services (LoggerFactory, MeterFactory, TimeProvider, AwsCredentials), which
        // come from the container.
        section.Bind(options);

        options.Kwargs = keptKwargs;
        if (intervals.Exists())
        {
            options.PollIntervals = ReadIntervals(intervals);
        }

        foreach (var child in kwargs.GetChildren())
        {
            options.Kwargs[child.Key] = ToNode(child);
        }
    }

    // Leaf values stay strings: the kwargs pipeline reads strings as Python literals or JSON, as the original did.
    internal static JsonNode? ToNode(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            return section.Value is null ? null : JsonValue.Create(section.Value);
        }

        var indexes = children.Select(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1).ToList();
        if (indexes.All(i => i >= 0) && indexes.Order().SequenceEqual(Enumerable.Range(0, children.Count)))
        {
            var array = new JsonArray();
            foreach (var child in children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture)))
            {
                array.Add(ToNode(child));
            }

            return array;
        }

        var obj = new JsonObject();
        foreach (var child in children)
        {
            obj[child.Key] = ToNode(child);
        }

        return obj;
    }

    private static List<TimeSpan> ReadIntervals(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        var texts = children.Count > 0
            ? children.OrderBy(c => int.TryParse(c.Key, CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue).Select(c => c.Value)
            : (section.Value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = new List<TimeSpan>();
        foreach (var text in texts)
        {
            if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var interval))
            {
                throw new InvalidOperationException(
                    $"PollIntervals holds '{text}', which is not a duration. Write durations as hh:mm:ss(.fff), e.g. \"00:00:00.25\" (configuration path {section.Path}).");
            }

            result.Add(interval);
        }

        return result;
    }
}
