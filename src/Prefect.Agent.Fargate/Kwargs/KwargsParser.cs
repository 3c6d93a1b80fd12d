using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Kwargs;

/// <summary>The original's <c>_parse_kwargs</c> (reference section 2.2), with the keys and the count rule of issue 4.</summary>
internal static class KwargsParser
{
    /// <summary>The original's message for a <c>containerDefinitions</c> that is not one definition.</summary>
    public const string SingleContainerMessage = "Fargate agent only accepts configuration for a single container definition.";

    /// <summary>Splits kwargs into the three dictionaries.</summary>
    /// <param name="kwargs">The kwargs (string values are read as Python literals or JSON).</param>
    /// <param name="environment">Environment lookup for the per-key fallbacks; <see langword="null"/>: none (S3 kwargs).</param>
    /// <returns>The parsed dictionaries.</returns>
    /// <exception cref="KwargsException">A value breaks a rule (e.g. more than one container definition).</exception>
    /// <remarks>
    /// The fallback applies to every key of the three lists, the keys added by issue 4 included
    /// (<c>ephemeralStorage</c>, <c>runtimePlatform</c>, <c>capacityProviderStrategy</c>, <c>enableExecuteCommand</c>):
    /// one rule for all keys is easier to document than exceptions to it.
    /// </remarks>
    public static ParsedKwargs Parse(IEnumerable<KeyValuePair<string, JsonNode?>> kwargs, Func<string, string?>? environment)
    {
        ArgumentNullException.ThrowIfNull(kwargs);
        var items = kwargs.ToList();
        var taskDefinition = new JsonObject();
        var run = new JsonObject();
        var container = new JsonObject();
        var ignored = new List<string>();
        var fromEnvironment = new List<string>();

        foreach (var (key, value) in items)
        {
            var known = false;
            if (KwargKeys.TaskDefinition.Contains(key))
            {
                taskDefinition[key] = KwargKeys.IsNoEval(key) ? value?.DeepClone() : KwargValue.Read(value);
                known = true;
            }

            if (KwargKeys.Run.Contains(key))
            {
                run[key] = KwargValue.Read(value);
                known = true;
            }

            if (!known && key != KwargKeys.ContainerDefinitions)
            {
                ignored.Add(key);
            }
        }

        foreach (var key in new[] { "cpu", "memory" })
        {
            if (taskDefinition.TryGetPropertyValue(key, out var value))
            {
                taskDefinition[key] = NoEvalToString(value);
            }
        }

        ReadContainer(items, container, ignored);

        if (environment is not null)
        {
            foreach (var key in KwargKeys.TaskDefinition)
            {
                Fallback(taskDefinition, key, key, environment, literal: !KwargKeys.IsNoEval(key), fromEnvironment);
            }

            foreach (var key in KwargKeys.Run)
            {
                Fallback(run, key, key, environment, literal: true, fromEnvironment);
            }

            foreach (var key in KwargKeys.Container)
            {
                Fallback(container, key, KwargKeys.ContainerEnvironmentPrefix + key, environment, literal: true, fromEnvironment);
            }
        }

        // JSON null means "not set", at any depth (issue 11.4).
        KwargValue.RemoveNulls(taskDefinition);
        KwargValue.RemoveNulls(run);
        KwargValue.RemoveNulls(container);
        CheckCount(run);
        return new ParsedKwargs(taskDefinition, run, container) { IgnoredKeys = ignored, KeysFromEnvironment = fromEnvironment };
    }

    private static JsonNode? NoEvalToString(JsonNode? value)
    {
        // Python: isinstance(value, int) -> str(value); bool is an int there, so True -> "True".
        if (KwargValue.IsInteger(value, out var digits))
        {
            return JsonValue.Create(digits);
        }

        return value?.GetValueKind() switch
        {
            JsonValueKind.True => JsonValue.Create("True"),
            JsonValueKind.False => JsonValue.Create("False"),
            _ => value,
        };
    }

    private static void ReadContainer(List<KeyValuePair<string, JsonNode?>> items, JsonObject container, List<string> ignored)
    {
        var index = items.FindLastIndex(kv => kv.Key == KwargKeys.ContainerDefinitions);
        if (index < 0)
        {
            return;
        }

        var definitions = KwargValue.Read(items[index].Value);
        if (definitions is not JsonArray array)
        {
            var kind = definitions is null ? "None" : definitions.GetValueKind() == JsonValueKind.String ? "a string that is not a list literal" : $"a {definitions.GetValueKind().ToString().ToLowerInvariant()}";
            throw new KwargsException($"{SingleContainerMessage} containerDefinitions must be a list holding one dictionary, e.g. [{{\"logConfiguration\": {{...}}}}]; got {kind}.");
        }

        if (array.Count != 1)
        {
            throw new KwargsException($"{SingleContainerMessage} containerDefinitions has {array.Count} elements; give exactly one dictionary.");
        }

        if (array[0] is not JsonObject first)
        {
            throw new KwargsException($"{SingleContainerMessage} The element of containerDefinitions must be a dictionary of container settings (mountPoints, secrets, environment, logConfiguration, repositoryCredentials).");
        }

        foreach (var (key, value) in first)
        {
            if (KwargKeys.Container.Contains(key))
            {
                container[key] = KwargValue.Read(value);
            }
            else
            {
                ignored.Add($"{KwargKeys.ContainerDefinitions}[0].{key}");
            }
        }
    }

    private static void Fallback(JsonObject target, string key, string variable, Func<string, string?> environment, bool literal, List<string> fromEnvironment)
    {
        if (target.TryGetPropertyValue(key, out var current) && !KwargValue.IsFalsy(current))
        {
            return;
        }

        var text = environment(variable);
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        target[key] = literal ? KwargValue.Read(JsonValue.Create(text)) : JsonValue.Create(text);
        fromEnvironment.Add(variable);
    }

    private static void CheckCount(JsonObject run)
    {
        if (!run.TryGetPropertyValue("count", out var count) || !KwargValue.IsInteger(count, out var digits))
        {
            return;
        }

        if (System.Numerics.BigInteger.Parse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) > 1)
        {
            throw new KwargsException($"count must be 1: one flow run starts one task (got {digits}). Remove the count kwarg (or its environment variable) or set it to 1.");
        }
    }
}
