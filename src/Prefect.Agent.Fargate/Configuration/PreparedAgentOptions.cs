using Prefect.Agent.Fargate.Kwargs;

namespace Prefect.Agent.Fargate.Configuration;

/// <summary>The resolved snapshot of the options, the agent's parsed kwargs, and every validation failure.</summary>
/// <param name="Resolved">The options with the environment fallbacks applied.</param>
/// <param name="Kwargs">The parsed kwargs; <see langword="null"/> when they broke a rule.</param>
/// <param name="Failures">Every failure, each naming the option, the value (never a secret) and the fix.</param>
internal sealed record PreparedAgentOptions(AgentOptions Resolved, ParsedKwargs? Kwargs, IReadOnlyList<string> Failures);
