using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.S3;

/// <summary>The default <see cref="IExternalKwargsProvider"/>: per-flow JSON in S3. Placeholder: the S3 work fills it.</summary>
internal sealed class S3ExternalKwargsProvider : IExternalKwargsProvider, IDisposable
{
    /// <summary>Creates the provider with one S3 client for the agent's lifetime.</summary>
    /// <param name="options">The agent's resolved options (bucket, prefix, AWS keys, region, endpoint, botocore config).</param>
    /// <returns>The provider.</returns>
    public static S3ExternalKwargsProvider Create(AgentOptions options) => throw new NotImplementedException();

    public Task<JsonObject?> GetKwargsAsync(FlowRun run, CancellationToken cancellationToken) => throw new NotImplementedException();

    public void Dispose()
    {
    }
}
