namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>A resolver error: answered as a GraphQL error with the field's path.</summary>
internal sealed class FakeFieldException : Exception
{
    public FakeFieldException()
    {
    }

    public FakeFieldException(string message)
        : base(message)
    {
    }

    public FakeFieldException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FakeFieldException(string message, string? code)
        : base(message) => Code = code;

    public string? Code { get; }
}
