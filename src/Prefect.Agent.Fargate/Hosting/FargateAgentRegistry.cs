using System.Collections.Concurrent;

namespace Prefect.Agent.Fargate.Hosting;

/// <summary>The agents the container created, by registration name (health checks find theirs here).</summary>
internal sealed class FargateAgentRegistry
{
    private readonly ConcurrentDictionary<string, FargateAgent> agents = new(StringComparer.Ordinal);

    public void Add(string name, FargateAgent agent) => agents[name] = agent;

    public bool TryGet(string name, out FargateAgent? agent) => agents.TryGetValue(name, out agent);
}
