namespace Prefect.Agent.Fargate.Tests.Architecture;

/// <summary>One type referencing another (top-level full names).</summary>
/// <param name="From">The referencing type.</param>
/// <param name="To">The referenced type.</param>
internal sealed record TypeEdge(string From, string To);
