using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Composition;

/// <summary>The container's default when <see cref="AgentOptions.UseExternalKwargs"/> is off: no overrides, no S3 client.</summary>
internal sealed class NoExternalKwargsProvider : IExternalKwargsProvider
{
    public static NoExternalKwargsProvider Instance { get; } = new();

    public Task<JsonObject?> GetKwargsAsync(FlowRun run, CancellationToken cancellationToken) => Task.FromResult<JsonObject?>(null);
}
