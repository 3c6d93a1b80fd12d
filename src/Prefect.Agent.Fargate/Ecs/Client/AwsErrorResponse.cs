using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Ecs.Client;

/// <summary>An AWS JSON 1.1 error response: code (from <c>x-amzn-ErrorType</c> or <c>__type</c>), message, request id.</summary>
internal sealed record AwsErrorResponse(HttpStatusCode StatusCode, string ErrorCode, string? Message, string? RequestId)
{
    /// <summary>The 4xx codes AWS SDKs treat as throttling.</summary>
    public static readonly IReadOnlySet<string> ThrottlingCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    };

    /// <summary>Other 4xx codes the SDKs retry (transient).</summary>
    public static readonly IReadOnlySet<string> TransientCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        "RequestTimeout", "RequestTimeoutException", "ServerException",
    };

    private const string MessageUpper = "Message";

    public bool IsThrottling => ThrottlingCodes.Contains(ErrorCode) || StatusCode == HttpStatusCode.TooManyRequests;

    public bool IsRetryable => IsThrottling || TransientCodes.Contains(ErrorCode) || StatusCode is HttpStatusCode.InternalServerError
        or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>Parses an error response.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="errorTypeHeader">The <c>x-amzn-ErrorType</c> header, if any.</param>
    /// <param name="requestId">The <c>x-amzn-RequestId</c> header, if any.</param>
    /// <param name="body">The body (may be empty or not JSON).</param>
    /// <returns>The error.</returns>
    public static AwsErrorResponse Parse(HttpStatusCode statusCode, string? errorTypeHeader, string? requestId, ReadOnlySpan<byte> body)
    {
        string? type = null;
        string? message = null;
        if (!body.IsEmpty)
        {
            try
            {
                if (JsonNode.Parse(body) is JsonObject json)
                {
                    type = Text(json["__type"]) ?? Text(json["code"]) ?? Text(json["Code"]);
                    message = Text(json["message"]) ?? Text(json[MessageUpper]) ?? Text(json["errorMessage"]);
                }
            }
            catch (JsonException)
            {
                // Not JSON (e.g. a proxy's HTML page): keep the status as the code.
            }
        }

        var code = Normalize(errorTypeHeader) ?? Normalize(type) ?? (statusCode == HttpStatusCode.TooManyRequests ? "TooManyRequestsException" : $"Http{(int)statusCode}");
        return new AwsErrorResponse(statusCode, code, message, requestId);
    }

    /// <summary>Strips a <c>namespace#</c> prefix and a <c>:http://...</c> suffix.</summary>
    /// <param name="code">The raw code.</param>
    /// <returns>The bare code, or <see langword="null"/>.</returns>
    public static string? Normalize(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }

        var value = code.Trim();
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            value = value[..colon];
        }

        var hash = value.LastIndexOf('#');
        if (hash >= 0)
        {
            value = value[(hash + 1)..];
        }

        return value.Length == 0 ? null : value;
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
