using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Prefect.Agent.Fargate.Kwargs;

namespace Prefect.Agent.Fargate.Ecs.Model;

/// <summary>
/// Checks the agent's kwargs at start, before any call, against the ECS API model (the input shapes of
/// RegisterTaskDefinition and RunTask, trimmed from the model the fakes use): JSON types, structures, enums, lengths
/// and ranges, empty strings where ECS needs a value, and the task sizes Fargate offers. A kwarg that does not fit
/// would otherwise be found only when a claimed flow run fails at ECS because of it.
/// </summary>
internal static partial class EcsKwargsCheck
{
    private const string RegisterTaskDefinition = nameof(RegisterTaskDefinition);
    private const string RunTask = nameof(RunTask);

    // "Task CPU and memory" for Fargate (AWS docs, "Amazon ECS task definition parameters for Fargate"):
    // CPU units -> the memory values (MiB) it allows, as (from, to, step).
    private static readonly (int Cpu, int From, int To, int Step)[] FargateSizes =
    [
        (256, 512, 2048, 512), // 512, 1024, 2048 (1536 is not offered; handled below)
        (512, 1024, 4096, 1024),
        (1024, 2048, 8192, 1024),
        (2048, 4096, 16384, 1024),
        (4096, 8192, 30720, 1024),
        (8192, 16384, 61440, 4096),
        (16384, 32768, 122880, 8192),
    ];

    /// <summary>Checks the parsed kwargs; each failure names the kwarg as the user gave it and the fix.</summary>
    /// <param name="options">The resolved options (launch type).</param>
    /// <param name="kwargs">The parsed kwargs.</param>
    /// <returns>The failures (empty when every kwarg fits).</returns>
    public static IReadOnlyList<string> Check(AgentOptions options, ParsedKwargs kwargs)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(kwargs);
        var failures = new List<string>();
        var model = AwsModelValidator.EcsKwargs;
        Report(model.ValidateMembers(RegisterTaskDefinition, kwargs.TaskDefinition), RegisterTaskDefinition, kwargs, failures);
        Report(model.ValidateMembers(RunTask, kwargs.Run), RunTask, kwargs, failures);
        if (kwargs.Container.Count > 0)
        {
            var containers = new JsonObject { [KwargKeys.ContainerDefinitions] = new JsonArray(kwargs.Container.DeepClone()) };
            Report(model.ValidateMembers(RegisterTaskDefinition, containers), RegisterTaskDefinition, kwargs, failures);
        }

        CheckEmpty(kwargs.TaskDefinition, kwargs, failures, container: false);
        CheckEmpty(kwargs.Run, kwargs, failures, container: false);
        CheckEmpty(kwargs.Container, kwargs, failures, container: true);
        if (IsFargate(options, kwargs.Run))
        {
            CheckFargateSize(kwargs, failures);
        }

        return failures;
    }

    /// <summary>Names a kwarg as the user gave it: the environment variable it came from, or the option entry.</summary>
    /// <param name="key">The kwarg (for a container key, the key inside the container definition).</param>
    /// <param name="kwargs">The parsed kwargs (which keys came from the environment).</param>
    /// <param name="container">Whether <paramref name="key"/> is a container-definition key.</param>
    /// <returns>The spelling for a message.</returns>
    internal static string Source(string key, ParsedKwargs kwargs, bool container)
    {
        var variable = container ? KwargKeys.ContainerEnvironmentPrefix + key : key;
        if (kwargs.KeysFromEnvironment.Contains(variable, StringComparer.Ordinal))
        {
            return $"the environment variable {variable}";
        }

        return container
            ? $"AgentOptions.Kwargs[\"{KwargKeys.ContainerDefinitions}\"] (its \"{key}\")"
            : $"AgentOptions.Kwargs[\"{key}\"]";
    }

    private static void Report(ModelValidationResult result, string operation, ParsedKwargs kwargs, List<string> failures)
    {
        foreach (var error in result.Errors)
        {
            var (key, container) = KeyOf(error);
            var source = key is null ? "a kwarg" : $"Kwarg {key} ({Source(key, kwargs, container)})";
            failures.Add($"{source} does not fit ECS's {operation} request: {error}.{Hint(error)}");
        }
    }

    // The validator's messages name the parameter path ("... for parameter networkConfiguration.awsvpc..., value" or
    // "... in \"containerDefinitions[0].secrets[1]\": ..."); its first segment is the kwarg.
    private static (string? Key, bool Container) KeyOf(string error)
    {
        var match = ErrorPath().Match(error);
        var path = match.Groups["path"].Success ? match.Groups["path"].Value : match.Groups["member"].Value;
        var segments = path.Split(['.', '[', ']', ' '], StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            return (null, false);
        }

        // containerDefinitions[0].secrets -> segments "containerDefinitions", "0", "secrets".
        return segments[0] == KwargKeys.ContainerDefinitions && segments.Length > 2
            ? (segments[2], true)
            : (segments[0], false);
    }

    [GeneratedRegex(@"^(?:Invalid \w+ for parameter (?<path>[^,]+),|Missing required parameter in (?:input|""(?<path>[^""]+)""):|Unknown parameter in (?:input|""(?<path>[^""]+)""): ""(?<member>[^""]+)"")", RegexOptions.CultureInvariant)]
    private static partial Regex ErrorPath();

    private static string Hint(string error)
    {
        if (error.StartsWith("Invalid type", StringComparison.Ordinal) && error.Contains("type: string", StringComparison.Ordinal)
            && (error.Contains("value: \"{", StringComparison.Ordinal) || error.Contains("value: \"[", StringComparison.Ordinal)))
        {
            return " The value was kept as text because it is not a valid Python literal or JSON: check its brackets and quotes.";
        }

        if (error.StartsWith("Invalid type", StringComparison.Ordinal))
        {
            return " Give a value of the valid type (a Python literal or JSON), or remove the kwarg.";
        }

        if (error.StartsWith("Unknown parameter", StringComparison.Ordinal))
        {
            return " Remove the member or fix its spelling (names are case-sensitive).";
        }

        return " Fix the value or remove the kwarg.";
    }

    private static void CheckEmpty(JsonObject values, ParsedKwargs kwargs, List<string> failures, bool container)
    {
        foreach (var (key, value) in values)
        {
            if (value is JsonValue text && text.GetValueKind() == JsonValueKind.String && string.IsNullOrWhiteSpace(text.GetValue<string>()))
            {
                failures.Add($"Kwarg {key} ({Source(key, kwargs, container)}) is empty, and ECS needs a value for it: give one, or remove the kwarg to leave it unset.");
            }
        }
    }

    private static bool IsFargate(AgentOptions options, JsonObject run)
    {
        if (run["capacityProviderStrategy"] is JsonArray strategy && strategy.Count > 0)
        {
            return strategy.All(item => item?["capacityProvider"] is JsonValue provider
                && provider.GetValueKind() == JsonValueKind.String
                && provider.GetValue<string>() is "FARGATE" or "FARGATE_SPOT");
        }

        return string.Equals(options.LaunchType, "FARGATE", StringComparison.Ordinal);
    }

    private static void CheckFargateSize(ParsedKwargs kwargs, List<string> failures)
    {
        if (!TryUnits(kwargs.TaskDefinition, "cpu", out var cpu) || !TryUnits(kwargs.TaskDefinition, "memory", out var memory))
        {
            return; // Absent, or not a number: nothing to pair (ECS reports a cpu alone itself, and the model its type).
        }

        var size = FargateSizes.FirstOrDefault(s => s.Cpu == cpu);
        if (size.Cpu == 0)
        {
            failures.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"Kwarg cpu ({Source("cpu", kwargs, false)}) is {cpu} CPU units, which Fargate does not offer: use 256, 512, 1024, 2048, 4096, 8192 or 16384 (or \"0.25 vCPU\" ... \"16 vCPU\")."));
            return;
        }

        var offered = memory >= size.From && memory <= size.To && (memory - size.From) % size.Step == 0 && !(cpu == 256 && memory == 1536);
        if (!offered)
        {
            failures.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"Kwargs cpu ({Source("cpu", kwargs, false)}) and memory ({Source("memory", kwargs, false)}) are {cpu} CPU units with {memory} MiB, which Fargate does not offer: with cpu {cpu}, memory must be {Offered(size)} MiB."));
        }
    }

    private static string Offered((int Cpu, int From, int To, int Step) size) =>
        size.Cpu == 256
            ? "512, 1024 or 2048"
            : string.Create(CultureInfo.InvariantCulture, $"{size.From} to {size.To} in steps of {size.Step}");

    private static bool TryUnits(JsonObject taskDefinition, string member, out int units)
    {
        units = 0;
        return taskDefinition[member] is JsonValue value
            && value.GetValueKind() == JsonValueKind.String
            && int.TryParse(EcsTaskSize.Normalize(member, value.GetValue<string>()), NumberStyles.None, CultureInfo.InvariantCulture, out units);
    }
}
