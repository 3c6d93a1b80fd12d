using Microsoft.Extensions.Options;

namespace Prefect.Agent.Fargate;

/// <summary>The errors that stop the agent instead of being logged and survived.</summary>
internal static class AgentErrors
{
    /// <summary>Gets whether an error cannot heal by polling again (authentication and configuration errors).</summary>
    /// <param name="exception">The error.</param>
    /// <returns><see langword="true"/> when the agent must stop.</returns>
    public static bool IsFatal(Exception exception) => exception switch
    {
        PrefectAuthenticationException or OptionsValidationException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsFatal),
        _ => false,
    };
}
