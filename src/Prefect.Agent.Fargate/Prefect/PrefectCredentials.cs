namespace Prefect.Agent.Fargate.Prefect;

/// <summary>The credential the agent authenticates with, and how to describe it without revealing it.</summary>
internal sealed class PrefectCredentials
{
    /// <summary>Initializes a new instance of the <see cref="PrefectCredentials"/> class.</summary>
    /// <param name="apiKey">The API key, if any.</param>
    /// <param name="agentToken">The legacy agent token, if any.</param>
    public PrefectCredentials(string? apiKey, string? agentToken)
    {
        ApiKey = string.IsNullOrEmpty(apiKey) ? null : apiKey;
        AgentToken = string.IsNullOrEmpty(agentToken) ? null : agentToken;
    }

    /// <summary>Gets the API key.</summary>
    public string? ApiKey { get; }

    /// <summary>Gets the legacy agent token.</summary>
    public string? AgentToken { get; }

    /// <summary>Gets the bearer value: the API key, else the token (the original's precedence).</summary>
    public string? Bearer => ApiKey ?? AgentToken;

    /// <summary>Gets a description of the credential in use that never contains its value.</summary>
    public string Description => ApiKey is not null
        ? "the Prefect API key (AgentOptions.ApiKey, from PREFECT__CLOUD__API_KEY or --key)"
        : AgentToken is not null
            ? "the agent token (AgentOptions.AgentToken, from PREFECT__CLOUD__AGENT__AUTH_TOKEN or --token)"
            : "no credential (neither an API key nor an agent token is set)";

    /// <summary>Gets how to fix a refused credential.</summary>
    public string Fix => ApiKey is not null
        ? "Check that the key is valid and not revoked, and that PREFECT__CLOUD__TENANT_ID (--tenant-id) names a tenant it belongs to; create a new key in Prefect Cloud (API keys) if needed."
        : AgentToken is not null
            ? "Use a RUNNER-scoped agent token, or better an API key (PREFECT__CLOUD__API_KEY or --key)."
            : "Set an API key (PREFECT__CLOUD__API_KEY or --key) or a RUNNER agent token (PREFECT__CLOUD__AGENT__AUTH_TOKEN or --token).";

    /// <summary>Builds the exception for a refused credential.</summary>
    /// <param name="apiUrl">The API URL.</param>
    /// <param name="reason">What the backend said (never contains the credential).</param>
    /// <param name="inner">The cause, if any.</param>
    /// <returns>The exception.</returns>
    public PrefectAuthenticationException Refused(Uri apiUrl, string reason, Exception? inner = null)
    {
        var message = $"The Prefect API at {apiUrl} refused {Description}: {reason}. {Fix}";
        return inner is null ? new PrefectAuthenticationException(message) : new PrefectAuthenticationException(message, inner);
    }
}
