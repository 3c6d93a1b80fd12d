using Microsoft.Extensions.DependencyInjection;

namespace Prefect.Agent.Fargate;

/// <summary>Configures one agent registered with <c>AddFargateAgent</c>; its extension methods chain.</summary>
public interface IFargateAgentBuilder
{
    /// <summary>Gets the agent's registration name (its named <see cref="AgentOptions"/>).</summary>
    string Name { get; }

    /// <summary>Gets the service collection the agent is registered in.</summary>
    IServiceCollection Services { get; }
}
