namespace Prefect.Agent.Fargate.Ecs;

/// <summary>What the family listing says about one task-definition family.</summary>
internal enum TaskDefinitionFamilyPresence
{
    /// <summary>Not known (no usable listing, or the family is outside it): describe it, as the original does.</summary>
    Unknown,

    /// <summary>The family has an ACTIVE revision (listed, or resolved by this registry since): describe it.</summary>
    Present,

    /// <summary>A complete, fresh listing of ACTIVE families did not name it: register without a describe.</summary>
    Absent,
}
