namespace Prefect.Agent.Fargate;

/// <summary>
/// An error of a deployment step that says whether retrying may help. Throw it (or a derived type) from your own
/// <see cref="ITaskDefinitionRegistry"/> or <see cref="ITaskLauncher"/> to have the agent retry a passing fault; any
/// other exception is treated as <see cref="DeploymentFaultKind.Permanent"/>, except timeouts and connection failures
/// (<see cref="TimeoutException"/>, <see cref="System.Net.Http.HttpRequestException"/>), which are transient.
/// </summary>
public class DeploymentStepException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="DeploymentStepException"/> class.</summary>
    public DeploymentStepException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DeploymentStepException"/> class.</summary>
    /// <param name="message">The message.</param>
    public DeploymentStepException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DeploymentStepException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DeploymentStepException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DeploymentStepException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="kind">How the agent treats the error.</param>
    /// <param name="reason">A short reason for logs and metrics, e.g. <c>ThrottlingException</c>.</param>
    /// <param name="innerException">The cause.</param>
    public DeploymentStepException(string message, DeploymentFaultKind kind, string? reason = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Reason = reason;
    }

    /// <summary>Gets how the agent treats the error.</summary>
    /// <value>The default value is <see cref="DeploymentFaultKind.Permanent"/>.</value>
    public DeploymentFaultKind Kind { get; init; }

    /// <summary>Gets a short reason for logs and metrics (an error code such as <c>ThrottlingException</c>), if any.</summary>
    /// <value>The default value is <see langword="null"/> (the exception's type name is used).</value>
    public string? Reason { get; init; }
}
