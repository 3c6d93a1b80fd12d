namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>Options of a <see cref="FakePrefectApi"/>.</summary>
public sealed class FakePrefectApiOptions
{
    /// <summary>Gets or sets the backend the fake plays.</summary>
    /// <value>The default value is <see cref="FakePrefectBackendMode.Server"/>.</value>
    public FakePrefectBackendMode Mode { get; set; } = FakePrefectBackendMode.Server;

    /// <summary>Gets or sets the API key accepted in <see cref="FakePrefectBackendMode.CloudApiKey"/> mode.</summary>
    /// <value>The default value is <c>fake-prefect-api-key</c>.</value>
    public string ApiKey { get; set; } = "fake-prefect-api-key";

    /// <summary>Gets or sets the agent token accepted in <see cref="FakePrefectBackendMode.CloudToken"/> mode.</summary>
    /// <value>The default value is <c>fake-prefect-agent-token</c>.</value>
    public string AgentToken { get; set; } = "fake-prefect-agent-token";

    /// <summary>Gets or sets the scope <c>auth_info</c> reports for the agent token.</summary>
    /// <value>The default value is <c>RUNNER</c>.</value>
    public string TokenScope { get; set; } = "RUNNER";

    /// <summary>Gets or sets the id of the tenant (the only one; a UUID).</summary>
    /// <value>The default value is a new random UUID.</value>
    public string TenantId { get; set; } = Guid.NewGuid().ToString();

    /// <summary>Gets or sets whether <c>set_flow_run_states</c>/<c>set_task_run_states</c> enforce the version lock.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool VersionLocking { get; set; } = true;

    /// <summary>Gets or sets how many ids <c>get_runs_in_queue</c> returns at most (Prefect Server's <c>queued_runs_returned_limit</c>).</summary>
    /// <value>The default value is 25.</value>
    public int QueuePageSize { get; set; } = 25;

    /// <summary>Gets or sets the clock of the fake (start times, log timestamps).</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
