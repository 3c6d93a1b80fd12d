namespace Prefect.Agent.Fargate.Testing.Ecs;

/// <summary>A fault a <see cref="FakeEcs"/> answers instead of the real result (see <see cref="FakeEcs.InjectFault"/>).</summary>
public sealed class FakeEcsFault
{
    private FakeEcsFault(int statusCode, string? errorCode, string? message)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
        Message = message;
    }

    /// <summary>Gets the HTTP status of an error fault.</summary>
    public int StatusCode { get; }

    /// <summary>Gets the AWS error code of an error fault, or <see langword="null"/> for the other kinds.</summary>
    public string? ErrorCode { get; }

    /// <summary>Gets the error message.</summary>
    public string? Message { get; }

    /// <summary>Gets the RunTask failure reason (the call succeeds with an empty <c>tasks</c> and one <c>failures</c> entry).</summary>
    public string? RunTaskFailureReason { get; private init; }

    /// <summary>Gets the RunTask failure detail, if any.</summary>
    public string? RunTaskFailureDetail { get; private init; }

    /// <summary>Gets the extra delay before the call is answered normally.</summary>
    public TimeSpan? Delay { get; private init; }

    /// <summary>Gets a value indicating whether the connection is dropped without an answer.</summary>
    public bool Disconnect { get; private init; }

    /// <summary>Gets a value indicating whether the call takes effect and then the connection is dropped without an answer.</summary>
    public bool LosesResponse { get; private init; }

    /// <summary>
    /// The same fault, answered after a delay on the fake's clock (e.g. a server error that comes late, so that other
    /// callers are waiting for the same shared call when it fails).
    /// </summary>
    /// <param name="delay">The delay before the answer.</param>
    /// <returns>A new fault.</returns>
    public FakeEcsFault After(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new(StatusCode, ErrorCode, Message)
        {
            RunTaskFailureReason = RunTaskFailureReason,
            RunTaskFailureDetail = RunTaskFailureDetail,
            Delay = delay,
            Disconnect = Disconnect,
            LosesResponse = LosesResponse,
        };
    }

    /// <summary>ECS throttling: HTTP 400 <c>ThrottlingException</c> "Rate exceeded" (the tagging API's <c>ThrottledException</c>).</summary>
    /// <returns>The fault.</returns>
    public static FakeEcsFault Throttling() => new(400, "ThrottlingException", "Rate exceeded");

    /// <summary>A server error: HTTP 500 <c>ServerException</c>.</summary>
    /// <returns>The fault.</returns>
    public static FakeEcsFault ServerError() => new(500, "ServerException", "Service Unavailable. Please try again later.");

    /// <summary>An access-denied error: HTTP 400 <c>AccessDeniedException</c>.</summary>
    /// <returns>The fault.</returns>
    public static FakeEcsFault AccessDenied() => new(400, "AccessDeniedException", "User is not authorized to perform this action.");

    /// <summary>Any error response.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="errorCode">The AWS error code (<c>__type</c>).</param>
    /// <param name="message">The message.</param>
    /// <returns>The fault.</returns>
    public static FakeEcsFault Error(int statusCode, string errorCode, string message) => new(statusCode, errorCode, message);

    /// <summary>
    /// A RunTask failure: no task, one <c>failures</c> entry with this reason (and a detail, as ECS reports e.g. placement
    /// failures).
    /// </summary>
    /// <param name="reason">The reason, e.g. <c>RESOURCE:MEMORY</c> (the default, a capacity failure).</param>
    /// <param name="detail">The detail text, if any.</param>
    /// <returns>The fault.</returns>
    public static FakeEcsFault RunTaskFailure(string reason = "RESOURCE:MEMORY", string? detail = null) =>
        new(200, null, null) { RunTaskFailureReason = reason, RunTaskFailureDetail = detail };

    /// <summary>A slow answer: the call waits this long, then is answered normally.</summary>
    /// <param name="delay">The delay.</param>
    /// <returns>The fault.</returns>
    public static FakeEcsFault SlowResponse(TimeSpan delay) => new(200, null, null) { Delay = delay };

    /// <summary>A dropped connection (the client sees a connection error).</summary>
    /// <returns>The fault.</returns>
    public static FakeEcsFault DropConnection() => new(0, null, null) { Disconnect = true };

    /// <summary>
    /// A lost answer: the call takes effect (e.g. RunTask starts the task and records its <c>clientToken</c>), then the
    /// connection is dropped, as when a response is lost on the network. A retry with the same token gets the same task.
    /// </summary>
    /// <returns>The fault.</returns>
    public static FakeEcsFault LoseResponse() => new(0, null, null) { LosesResponse = true };
}
