namespace Prefect.Agent.Fargate.Ecs.Client;

/// <summary>The throttling groups of ECS's API request quotas (plus the tagging API's own).</summary>
internal enum EcsApiGroup
{
    /// <summary>RunTask, StartTask, StopTask and the other cluster-modify actions.</summary>
    ClusterModify,

    /// <summary>RegisterTaskDefinition and DeregisterTaskDefinition.</summary>
    TaskDefinitionModify,

    /// <summary>Describe* and List* actions.</summary>
    DescribeAndList,

    /// <summary>The Resource Groups Tagging API (GetResources).</summary>
    Tagging,
}
