using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.Prefect;

/// <summary>The default <see cref="IFlowRunSource"/>: Prefect Server or Cloud over GraphQL. Placeholder: the Prefect work fills it.</summary>
internal sealed class PrefectFlowRunSource : IFlowRunSource, IDisposable
{
    /// <summary>Creates the source.</summary>
    /// <param name="options">The agent's resolved options (API URL, backend, key, tenant, token, timeout).</param>
    /// <param name="httpClient">The HTTP client; <see langword="null"/>: one of its own.</param>
    /// <returns>The source.</returns>
    public static PrefectFlowRunSource Create(AgentOptions options, HttpClient? httpClient = null) => throw new NotImplementedException();

    public Task<AgentRegistration> RegisterAgentAsync(AgentRegistrationRequest request, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<FlowRunPage> GetReadyFlowRunsAsync(FlowRunQuery query, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<FlowRunClaim> MarkSubmittedAsync(FlowRun run, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task MarkFailedAsync(FlowRun run, int version, string message, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task WriteLogAsync(FlowRunLog log, CancellationToken cancellationToken) => throw new NotImplementedException();

    public void Dispose()
    {
    }
}
