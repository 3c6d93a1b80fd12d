using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Kwargs;

/// <summary>The original's <c>_parse_kwargs</c> (reference section 2). Placeholder: the kwargs work fills it.</summary>
internal static class KwargsParser
{
    /// <summary>Splits kwargs into the three dictionaries.</summary>
    /// <param name="kwargs">The kwargs (string values are read as Python literals or JSON).</param>
    /// <param name="environment">Environment lookup for the per-key fallbacks; <see langword="null"/>: none (S3 kwargs).</param>
    /// <returns>The parsed dictionaries.</returns>
    /// <exception cref="KwargsException">A value breaks a rule (e.g. more than one container definition).</exception>
    public static ParsedKwargs Parse(IEnumerable<KeyValuePair<string, JsonNode?>> kwargs, Func<string, string?>? environment)
        => throw new NotImplementedException();
}
