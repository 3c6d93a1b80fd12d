namespace Prefect.Agent.Fargate;

/// <summary>
/// The Prefect API answered a GraphQL operation with errors (a GraphQL <c>errors</c> array, an HTTP 400 from a
/// validation failure, or an unexpected payload). <see cref="Errors"/> carries the message, path and code of each.
/// </summary>
public sealed class PrefectApiException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="PrefectApiException"/> class.</summary>
    public PrefectApiException()
        : this("The Prefect API returned an error.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PrefectApiException"/> class.</summary>
    /// <param name="message">The message.</param>
    public PrefectApiException(string message)
        : base(message)
    {
        Errors = [];
    }

    /// <summary>Initializes a new instance of the <see cref="PrefectApiException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public PrefectApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <summary>Initializes a new instance of the <see cref="PrefectApiException"/> class.</summary>
    /// <param name="operation">The operation that failed, e.g. <c>set_flow_run_states</c>.</param>
    /// <param name="errors">The errors the API returned.</param>
    public PrefectApiException(string operation, IReadOnlyList<PrefectApiError> errors)
        : base(FormatMessage(operation, errors))
    {
        Operation = operation;
        Errors = errors ?? [];
    }

    /// <summary>Gets the operation that failed (its top-level field, e.g. <c>get_runs_in_queue</c>), if known.</summary>
    public string? Operation { get; }

    /// <summary>Gets the errors the API returned, in order.</summary>
    public IReadOnlyList<PrefectApiError> Errors { get; }

    /// <summary>Gets the <c>extensions.code</c> of the first error, if any.</summary>
    public string? Code => Errors.Count > 0 ? Errors[0].Code : null;

    private static string FormatMessage(string operation, IReadOnlyList<PrefectApiError>? errors)
    {
        if (errors is null || errors.Count == 0)
        {
            return $"The Prefect API returned an error for '{operation}'.";
        }

        var parts = errors.Select(e =>
        {
            var path = e.Path.Count > 0 ? $" (path {string.Join('.', e.Path)})" : string.Empty;
            var code = e.Code is null ? string.Empty : $" [{e.Code}]";
            return e.Message + path + code;
        });
        return $"The Prefect API returned {errors.Count} error(s) for '{operation}': {string.Join("; ", parts)}";
    }
}
