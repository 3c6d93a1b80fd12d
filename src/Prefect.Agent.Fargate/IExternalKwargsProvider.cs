using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate;

/// <summary>
/// Per-flow kwargs that override the agent's (the original's <c>use_external_kwargs</c>). The default implementation
/// reads <c>&lt;prefix&gt;/&lt;slug(flow name)&gt;/&lt;id8(flow id)&gt;.json</c> from S3.
/// </summary>
public interface IExternalKwargsProvider
{
    /// <summary>Reads the overrides of a run's flow.</summary>
    /// <param name="run">The flow run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The overrides as a JSON object, or <see langword="null"/> when the flow has none.</returns>
    /// <exception cref="ExternalKwargsException">The overrides exist but cannot be read or are not a JSON object; the run fails with this message.</exception>
    Task<JsonObject?> GetKwargsAsync(FlowRun run, CancellationToken cancellationToken);
}
