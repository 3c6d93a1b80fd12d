namespace Prefect.Agent.Fargate.Aws;

/// <summary>What the agent needs to know about one AWS JSON 1.1 service: its ids for endpoints, signing and targets.</summary>
/// <param name="ServiceId">The SDK service id (<c>ECS</c>); <c>AWS_ENDPOINT_URL_&lt;ID&gt;</c> is built from it.</param>
/// <param name="EndpointPrefix">The host prefix of the regional endpoint (<c>ecs</c>, <c>tagging</c>).</param>
/// <param name="SigningName">The SigV4 service name.</param>
/// <param name="TargetPrefix">The <c>X-Amz-Target</c> prefix.</param>
internal sealed record AwsService(string ServiceId, string EndpointPrefix, string SigningName, string TargetPrefix)
{
    public static AwsService Ecs { get; } = new("ECS", "ecs", "ecs", "AmazonEC2ContainerServiceV20141113");

    public static AwsService Tagging { get; } = new("Resource Groups Tagging API", "tagging", "tagging", "ResourceGroupsTaggingAPI_20170126");

    public static AwsService S3 { get; } = new("S3", "s3", "s3", string.Empty);

    /// <summary>Gets the service-specific endpoint variable, e.g. <c>AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API</c>.</summary>
    public string EndpointEnvironmentVariable => "AWS_ENDPOINT_URL_" + ServiceId.ToUpperInvariant().Replace(' ', '_');
}
