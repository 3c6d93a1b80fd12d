using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Prefect.Agent.Fargate.Kwargs;

namespace Prefect.Agent.Fargate.Configuration;

/// <summary>
/// What both paths run (the constructor and <c>ValidateOnStart</c>): resolve the environment fallbacks, then the
/// generated validator, the cross-field validator and the kwargs rules, collecting every failure before reporting.
/// </summary>
internal static class AgentOptionsValidation
{
    private static readonly AgentOptionsValidator Generated = new();
    private static readonly AgentOptionsCustomValidator Custom = new();

    /// <summary>Resolves and validates the options, collecting every failure.</summary>
    /// <param name="name">The options name.</param>
    /// <param name="options">The user's options.</param>
    /// <param name="environment">The environment lookup.</param>
    /// <param name="parseLiteral">The Python-literal parser.</param>
    /// <param name="parseKwargs">The kwargs parser.</param>
    /// <param name="checkKwargs">The check of the parsed kwargs against the API model (no network).</param>
    /// <returns>The resolved options, the parsed kwargs and the failures.</returns>
    /// <remarks>Takes its collaborators as delegates, so that Configuration/ knows nothing of Composition/ (which calls it).</remarks>
    public static PreparedAgentOptions Prepare(
        string? name,
        AgentOptions options,
        Func<string, string?> environment,
        Func<string, JsonNode?> parseLiteral,
        Func<IEnumerable<KeyValuePair<string, JsonNode?>>, Func<string, string?>?, ParsedKwargs> parseKwargs,
        Func<AgentOptions, ParsedKwargs, IReadOnlyList<string>> checkKwargs)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(parseLiteral);
        ArgumentNullException.ThrowIfNull(parseKwargs);
        ArgumentNullException.ThrowIfNull(checkKwargs);
        var failures = new List<string>();
        var resolved = AgentEnvironment.Resolve(options, environment, failures, parseLiteral);
        Collect(Generated.Validate(name, resolved), failures);
        Collect(Custom.Validate(name, resolved), failures);

        ParsedKwargs? kwargs = null;
        try
        {
            kwargs = parseKwargs(resolved.Kwargs, environment);
            failures.AddRange(checkKwargs(resolved, kwargs));
        }
        catch (KwargsException ex)
        {
            failures.Add($"Kwargs are invalid: {ex.Message} Fix the kwarg (or the environment variable of the same name).");
        }

        return new PreparedAgentOptions(resolved, kwargs, failures);
    }

    /// <summary>Resolves and validates the options; throws when any rule failed.</summary>
    /// <param name="name">The options name.</param>
    /// <param name="options">The user's options.</param>
    /// <param name="environment">The environment lookup.</param>
    /// <param name="parseLiteral">The Python-literal parser.</param>
    /// <param name="parseKwargs">The kwargs parser.</param>
    /// <param name="checkKwargs">The check of the parsed kwargs against the API model (no network).</param>
    /// <returns>The resolved options and the parsed kwargs.</returns>
    /// <exception cref="OptionsValidationException">A rule failed; the message lists every failure.</exception>
    public static PreparedAgentOptions PrepareOrThrow(
        string? name,
        AgentOptions options,
        Func<string, string?> environment,
        Func<string, JsonNode?> parseLiteral,
        Func<IEnumerable<KeyValuePair<string, JsonNode?>>, Func<string, string?>?, ParsedKwargs> parseKwargs,
        Func<AgentOptions, ParsedKwargs, IReadOnlyList<string>> checkKwargs)
    {
        var prepared = Prepare(name, options, environment, parseLiteral, parseKwargs, checkKwargs);
        if (prepared.Failures.Count > 0)
        {
            throw new OptionsValidationException(name ?? Options.DefaultName, typeof(AgentOptions), prepared.Failures);
        }

        return prepared;
    }

    private static void Collect(ValidateOptionsResult result, List<string> failures)
    {
        if (result.Failed && result.Failures is not null)
        {
            failures.AddRange(result.Failures);
        }
    }
}
