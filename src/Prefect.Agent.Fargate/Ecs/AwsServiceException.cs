using System.Net;

namespace Prefect.Agent.Fargate.Ecs;

/// <summary>An AWS JSON-protocol error response (after retries), with its code, message and request id.</summary>
internal sealed class AwsServiceException : Exception
{
    public AwsServiceException(string service, string operation, HttpStatusCode statusCode, string errorCode, string? errorMessage, string? requestId)
        : base($"{service} {operation} failed: {errorCode}: {errorMessage ?? "(no message)"} (HTTP {(int)statusCode}, request id {requestId ?? "-"})")
    {
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
}
