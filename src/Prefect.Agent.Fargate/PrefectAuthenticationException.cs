namespace Prefect.Agent.Fargate;

/// <summary>
/// The Prefect backend refused the agent's credentials. Fatal: the agent stops. The message names which credential
/// was used (API key or agent token, never its value) and how to fix it.
/// </summary>
public sealed class PrefectAuthenticationException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="PrefectAuthenticationException"/> class.</summary>
    public PrefectAuthenticationException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PrefectAuthenticationException"/> class.</summary>
    /// <param name="message">The message.</param>
    public PrefectAuthenticationException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PrefectAuthenticationException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public PrefectAuthenticationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
