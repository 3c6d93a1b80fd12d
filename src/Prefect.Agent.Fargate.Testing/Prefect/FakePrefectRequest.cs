namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>A request a <see cref="FakePrefectApi"/> received.</summary>
public sealed class FakePrefectRequest
{
    /// <summary>Gets the operation: the top-level field(s) requested, e.g. <c>get_runs_in_queue</c> (comma-separated when several; empty when unparsable).</summary>
    public required string Operation { get; init; }

    /// <summary>Gets the GraphQL text.</summary>
    public required string Query { get; init; }

    /// <summary>Gets the <c>variables</c> value exactly as sent (a JSON string for Prefect's clients).</summary>
    public required string? Variables { get; init; }

    /// <summary>Gets the raw request body.</summary>
    public required string Body { get; init; }

    /// <summary>Gets the request headers (names case-insensitive; repeated values joined with <c>", "</c>).</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>Gets when the request arrived, read from <see cref="FakePrefectApiOptions.TimeProvider"/>.</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Gets the HTTP status the fake answered with.</summary>
    public int StatusCode { get; internal set; }

    /// <summary>Gets the GraphQL error messages the fake answered with, if any.</summary>
    public IReadOnlyList<string> Errors { get; internal set; } = [];
}
