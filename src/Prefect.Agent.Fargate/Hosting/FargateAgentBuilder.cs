using Microsoft.Extensions.DependencyInjection;

namespace Prefect.Agent.Fargate.Hosting;

internal sealed class FargateAgentBuilder(string name, IServiceCollection services) : IFargateAgentBuilder
{
    public string Name { get; } = name;

    public IServiceCollection Services { get; } = services;
}
