namespace Prefect.Agent.Fargate;

/// <summary>One entry of a GraphQL <c>errors</c> array returned by the Prefect API.</summary>
/// <param name="Message">The error message.</param>
/// <param name="Path">The response path of the failed field, e.g. <c>set_flow_run_states</c>; empty when not given.</param>
/// <param name="Code">The <c>extensions.code</c>, e.g. <c>VERSION_LOCKING_ERROR</c> or <c>GRAPHQL_VALIDATION_FAILED</c>, if any.</param>
public sealed record PrefectApiError(string Message, IReadOnlyList<string> Path, string? Code);
