namespace Prefect.Agent.Fargate.Kwargs;

/// <summary>A kwarg breaks one of the original's rules.</summary>
internal sealed class KwargsException : Exception
{
    public KwargsException(string message)
        : base(message)
    {
    }

    public KwargsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
