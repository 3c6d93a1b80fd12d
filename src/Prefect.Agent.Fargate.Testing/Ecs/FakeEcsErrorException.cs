namespace Prefect.Agent.Fargate.Testing.Ecs;

/// <summary>An AWS error answer raised by the fake's operations.</summary>
internal sealed class FakeEcsErrorException : Exception
{
    public FakeEcsErrorException(int statusCode, string errorCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
    }

    public int StatusCode { get; }

    public string ErrorCode { get; }

    public static FakeEcsErrorException Client(string message) => new(400, "ClientException", message);

    public static FakeEcsErrorException InvalidParameter(string message) => new(400, "InvalidParameterException", message);
}
