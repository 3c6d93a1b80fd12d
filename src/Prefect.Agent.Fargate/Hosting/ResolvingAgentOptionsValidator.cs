using Microsoft.Extensions.Options;
using Prefect.Agent.Fargate.Composition;
using Prefect.Agent.Fargate.Configuration;

namespace Prefect.Agent.Fargate.Hosting;

/// <summary>
/// The DI path's validator: resolves the environment fallbacks first, then runs exactly what the constructor runs
/// (the generated <see cref="AgentOptionsValidator"/>, <see cref="AgentOptionsCustomValidator"/> and the kwargs
/// rules), so <c>ValidateOnStart</c> reports the same failures as <c>new FargateAgent(options)</c>, all at once.
/// </summary>
internal sealed class ResolvingAgentOptionsValidator(AgentComposition composition) : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var failures = composition.Prepare(name, options).Failures;
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
