using Prefect.Agent.Fargate.Ecs.Model;

namespace Prefect.Agent.Fargate.Testing.Ecs;

/// <summary>
/// The full AWS API models the fakes validate against, embedded from <c>Models/</c>; read by the library's own
/// validator, the one the agent checks its kwargs with at start (against a trimmed copy of the same ECS model).
/// </summary>
internal static class AwsModels
{
    private const string ResourcePrefix = "Prefect.Agent.Fargate.Testing.Models.";

    private static readonly Lazy<AwsModelValidator> EcsModel = new(() => AwsModelValidator.Load(typeof(AwsModels).Assembly, ResourcePrefix, "ecs-2014-11-13"));
    private static readonly Lazy<AwsModelValidator> TaggingModel = new(() => AwsModelValidator.Load(typeof(AwsModels).Assembly, ResourcePrefix, "resourcegroupstaggingapi-2017-01-26"));

    /// <summary>Gets the ECS model.</summary>
    public static AwsModelValidator Ecs => EcsModel.Value;

    /// <summary>Gets the Resource Groups Tagging API model.</summary>
    public static AwsModelValidator Tagging => TaggingModel.Value;
}
