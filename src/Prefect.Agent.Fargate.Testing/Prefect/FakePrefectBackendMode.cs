namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>Which Prefect 1.x backend a <see cref="FakePrefectApi"/> plays.</summary>
public enum FakePrefectBackendMode
{
    /// <summary>Prefect Server: no authentication, a default tenant found with <c>query { tenant { id } }</c>.</summary>
    Server,

    /// <summary>Prefect Cloud with an API key: <c>Authorization: Bearer &lt;key&gt;</c>, tenant from <c>auth_info</c> or the tenant header.</summary>
    CloudApiKey,

    /// <summary>Prefect Cloud with a legacy agent token, whose scope <c>auth_info { api_token_scope }</c> reports.</summary>
    CloudToken,
}
