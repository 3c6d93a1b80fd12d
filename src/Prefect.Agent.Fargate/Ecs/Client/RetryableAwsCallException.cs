namespace Prefect.Agent.Fargate.Ecs.Client;

/// <summary>Carries a retryable AWS error through the retry pipeline; never seen outside the client.</summary>
internal sealed class RetryableAwsCallException : Exception
{
    public RetryableAwsCallException(AwsServiceException error)
        : base(error?.Message, error)
    {
        Error = error!;
    }

    public AwsServiceException Error { get; }
}
