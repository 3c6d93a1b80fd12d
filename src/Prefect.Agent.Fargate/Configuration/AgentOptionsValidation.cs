using Microsoft.Extensions.Options;
using Prefect.Agent.Fargate.Composition;
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

    public static PreparedAgentOptions Prepare(string? name, AgentOptions options, AgentComposition composition)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(composition);
        var failures = new List<string>();
        var resolved = AgentEnvironment.Resolve(options, composition.Environment, failures, composition.ParseLiteral);
        Collect(Generated.Validate(name, resolved), failures);
        Collect(Custom.Validate(name, resolved), failures);

        ParsedKwargs? kwargs = null;
        try
        {
            kwargs = composition.ParseKwargs(resolved.Kwargs, composition.Environment);
        }
        catch (KwargsException ex)
        {
            failures.Add($"Kwargs are invalid: {ex.Message} Fix the kwarg (or the environment variable of the same name).");
        }

        return new PreparedAgentOptions(resolved, kwargs, failures);
    }

    public static PreparedAgentOptions PrepareOrThrow(string? name, AgentOptions options, AgentComposition composition)
    {
        var prepared = Prepare(name, options, composition);
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
