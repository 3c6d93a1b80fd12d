namespace Prefect.Agent.Fargate.Testing.Ecs;

/// <summary>The outcome of a signature check.</summary>
internal sealed record SigV4Result(bool Valid, int StatusCode, string? ErrorCode, string? Message, string? AccessKeyId)
{
    public static SigV4Result Fail(int statusCode, string code, string message, string? accessKeyId = null) => new(false, statusCode, code, message, accessKeyId);
}
