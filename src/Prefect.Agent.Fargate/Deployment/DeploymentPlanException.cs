namespace Prefect.Agent.Fargate.Deployment;

/// <summary>A run cannot be deployed; the message becomes its Failed state.</summary>
internal sealed class DeploymentPlanException : Exception
{
    public DeploymentPlanException(string message)
        : base(message)
    {
    }

    public DeploymentPlanException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
