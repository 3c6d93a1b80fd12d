namespace Prefect.Agent.Fargate;

/// <summary>One entry of RunTask's <c>failures</c>.</summary>
/// <param name="Arn">The resource ARN.</param>
/// <param name="Reason">The reason, e.g. <c>RESOURCE:MEMORY</c>.</param>
/// <param name="Detail">The detail.</param>
public sealed record TaskLaunchFailure(string? Arn, string? Reason, string? Detail);
