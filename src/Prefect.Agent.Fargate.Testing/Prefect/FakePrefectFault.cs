namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>A fault a <see cref="FakePrefectApi"/> answers a request with instead of serving it (see <see cref="FakePrefectApi.InjectFault"/>).</summary>
public sealed class FakePrefectFault
{
    private FakePrefectFault(string kind) => Kind = kind;

    /// <summary>Gets the kind: <c>RateLimited</c>, <c>ServerError</c>, <c>GraphQLError</c>, <c>Unauthenticated</c>, <c>LostResponse</c> or <c>Slow</c>.</summary>
    public string Kind { get; }

    /// <summary>Gets the HTTP status of a <c>ServerError</c>.</summary>
    public int StatusCode { get; private init; }

    /// <summary>Gets the <c>Retry-After</c> of a <c>RateLimited</c> answer (<see langword="null"/>: no header).</summary>
    public TimeSpan? RetryAfter { get; private init; }

    /// <summary>Gets the message of a <c>GraphQLError</c>.</summary>
    public string? Message { get; private init; }

    /// <summary>Gets the <c>extensions.code</c> of a <c>GraphQLError</c>.</summary>
    public string? Code { get; private init; }

    /// <summary>Gets the delay of a <c>Slow</c> answer (the request is then served normally).</summary>
    public TimeSpan Delay { get; private init; }

    /// <summary>HTTP 429, with a <c>Retry-After</c> header in whole seconds when given.</summary>
    /// <param name="retryAfter">The wait the server asks for.</param>
    /// <returns>The fault.</returns>
    public static FakePrefectFault RateLimited(TimeSpan? retryAfter = null) => new("RateLimited") { StatusCode = 429, RetryAfter = retryAfter };

    /// <summary>An HTTP 5xx answer.</summary>
    /// <param name="statusCode">The status.</param>
    /// <returns>The fault.</returns>
    public static FakePrefectFault ServerError(int statusCode = 500) => new("ServerError") { StatusCode = statusCode };

    /// <summary>HTTP 200 with a GraphQL <c>errors</c> array of one error, its <c>path</c> the requested field.</summary>
    /// <param name="message">The message.</param>
    /// <param name="code">The <c>extensions.code</c>.</param>
    /// <returns>The fault.</returns>
    public static FakePrefectFault GraphQLError(string message, string? code = null) => new("GraphQLError") { StatusCode = 200, Message = message, Code = code };

    /// <summary>HTTP 200 with Prefect Cloud's <c>UNAUTHENTICATED</c> error.</summary>
    /// <returns>The fault.</returns>
    public static FakePrefectFault Unauthenticated() => new("Unauthenticated") { StatusCode = 200, Message = "UNAUTHENTICATED", Code = "UNAUTHENTICATED" };

    /// <summary>Serves the request (its changes are applied) but answers with an HTTP 5xx, as when a response is lost.</summary>
    /// <param name="statusCode">The status answered.</param>
    /// <returns>The fault.</returns>
    public static FakePrefectFault LostResponse(int statusCode = 502) => new("LostResponse") { StatusCode = statusCode };

    /// <summary>Waits before serving the request normally.</summary>
    /// <param name="delay">The wait.</param>
    /// <returns>The fault.</returns>
    public static FakePrefectFault Slow(TimeSpan delay) => new("Slow") { Delay = delay };
}
