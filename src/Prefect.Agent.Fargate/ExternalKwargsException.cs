namespace Prefect.Agent.Fargate;

/// <summary>The external kwargs of a flow could not be read or parsed; the run is marked Failed with this message.</summary>
public sealed class ExternalKwargsException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ExternalKwargsException"/> class.</summary>
    public ExternalKwargsException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ExternalKwargsException"/> class.</summary>
    /// <param name="message">What went wrong, naming the bucket and key.</param>
    public ExternalKwargsException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ExternalKwargsException"/> class.</summary>
    /// <param name="message">What went wrong, naming the bucket and key.</param>
    /// <param name="innerException">The cause.</param>
    public ExternalKwargsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
