namespace Prefect.Agent.Fargate.Ecs;

/// <summary>Recognises the few ECS error answers the registry and launcher act on.</summary>
internal static class EcsErrors
{
    /// <summary>
    /// Gets whether DescribeTaskDefinition said the definition does not exist. ECS answers
    /// <c>ClientException: Unable to describe task definition.</c>; only that (and "not found" wording) means missing:
    /// throttling, access denied or server errors are the run's failure (reference section 9 item 4).
    /// </summary>
    /// <param name="exception">The error.</param>
    /// <returns><see langword="true"/> for a "not found" answer.</returns>
    public static bool IsTaskDefinitionNotFound(AwsServiceException exception) =>
        IsClientException(exception)
        && (Contains(exception, "Unable to describe task definition")
            || Contains(exception, "not found")
            || Contains(exception, "does not exist"));

    /// <summary>
    /// Gets whether RunTask refused a task definition that is inactive (deregistered) or gone:
    /// <c>ClientException: TaskDefinition is inactive</c>, <c>TaskDefinition not found.</c> (ECS's RunTask wording for a
    /// revision that no longer exists, e.g. deleted) or <c>Unable to find task definition</c>.
    /// </summary>
    /// <param name="exception">The error.</param>
    /// <returns><see langword="true"/> for an inactive or missing task definition.</returns>
    public static bool IsTaskDefinitionInactiveOrMissing(AwsServiceException exception) =>
        IsClientException(exception)
        && (Contains(exception, "TaskDefinition is inactive")
            || Contains(exception, "TaskDefinition not found")
            || Contains(exception, "Unable to find task definition")
            || Contains(exception, "Unable to describe task definition")
            || (Contains(exception, "task definition") && (Contains(exception, "not found") || Contains(exception, "does not exist"))));

    /// <summary>Gets whether the caller's IAM identity may not call the operation (a missing permission does not pass by itself).</summary>
    /// <param name="exception">The error.</param>
    /// <returns><see langword="true"/> for an access-denied answer.</returns>
    public static bool IsAccessDenied(Exception exception) =>
        exception is AwsServiceException aws && aws.ErrorCode.Contains("AccessDenied", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Gets whether RunTask refused a clientToken already used with other parameters (<c>ConflictException</c>): the
    /// token's task exists.
    /// </summary>
    /// <param name="exception">The error.</param>
    /// <returns><see langword="true"/> for a conflict.</returns>
    public static bool IsConflict(AwsServiceException exception) =>
        string.Equals(exception.ErrorCode, "ConflictException", StringComparison.Ordinal);

    private static bool IsClientException(AwsServiceException exception) =>
        string.Equals(exception.ErrorCode, "ClientException", StringComparison.Ordinal);

    private static bool Contains(AwsServiceException exception, string text) =>
        exception.ErrorMessage?.Contains(text, StringComparison.OrdinalIgnoreCase) == true;
}
