using System.Net;

namespace Prefect.Agent.Fargate.Ecs;

/// <summary>An AWS JSON-protocol error response (after retries), with its code, message and request id.</summary>
internal sealed class AwsServiceException : DeploymentStepException
{
    public AwsServiceException(string service, string operation, HttpStatusCode statusCode, string errorCode, string? errorMessage, string? requestId)
        : base($"{service} {operation} failed: {errorCode}: {errorMessage ?? "(no message)"} (HTTP {(int)statusCode}, request id {requestId ?? "-"})")
    {
        Kind = Classify(statusCode, errorCode, errorMessage);
        Reason = IsThrottling(errorCode, errorMessage) ? "ThrottlingException" : errorCode;
        Service = service;
        Operation = operation;
        StatusCode = statusCode;
        ErrorCode = errorCode;
        ErrorMessage = errorMessage;
        RequestId = requestId;
    }

    public string Service { get; }

    public string Operation { get; }

    public HttpStatusCode StatusCode { get; }

    /// <summary>Gets the AWS error code without namespace, e.g. <c>ClientException</c>, <c>ThrottlingException</c>.</summary>
    public string ErrorCode { get; }

    public string? ErrorMessage { get; }

    public string? RequestId { get; }

    /// <summary>Classifies an AWS error: throttling (also wrapped in another code) and HTTP 5xx are transient.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="errorCode">The error code.</param>
    /// <param name="errorMessage">The message.</param>
    /// <returns>The fault kind.</returns>
    internal static DeploymentFaultKind Classify(HttpStatusCode statusCode, string errorCode, string? errorMessage) =>
        IsThrottling(errorCode, errorMessage) || (int)statusCode >= 500 || errorCode is "ServerException" or "InternalFailure" or "ServiceUnavailable"
            ? DeploymentFaultKind.Transient
            : DeploymentFaultKind.Permanent;

    // ECS sometimes wraps throttling in ClientException with the message "Rate exceeded".
    private static bool IsThrottling(string errorCode, string? errorMessage) =>
        errorCode is "ThrottlingException" or "Throttling" or "TooManyRequestsException" or "RequestLimitExceeded"
        || (errorMessage?.Contains("Rate exceeded", StringComparison.OrdinalIgnoreCase) ?? false);
}
