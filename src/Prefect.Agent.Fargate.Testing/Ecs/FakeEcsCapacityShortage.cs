namespace Prefect.Agent.Fargate.Testing.Ecs;

/// <summary>
/// A cluster that cannot place tasks for a while: RunTask answers no task and one <c>failures</c> entry with
/// <see cref="Reason"/> (as ECS does for <c>RESOURCE:MEMORY</c>, <c>RESOURCE:CPU</c>, "Capacity is unavailable at this
/// time" ...) for the first <see cref="ClearsAfter"/> attempts of each launch, then starts the task. A launch is known
/// by its <c>clientToken</c> (else its <c>startedBy</c>; else every call counts as one launch). Add it with
/// <see cref="FakeEcs.AddCapacityShortage"/>; the latest matching shortage wins.
/// </summary>
/// <example>
/// <code>
/// // Each launch of the family is refused twice, then placed.
/// ecs.AddCapacityShortage(new FakeEcsCapacityShortage { Family = "prefect-task-1a2b3c4d", ClearsAfter = 2 });
/// // A cluster that never has room.
/// ecs.AddCapacityShortage(new FakeEcsCapacityShortage { Reason = "RESOURCE:CPU", ClearsAfter = null });
/// </code>
/// </example>
public sealed class FakeEcsCapacityShortage
{
    /// <summary>Gets the task-definition family the shortage applies to; <see langword="null"/>: every family.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Family { get; init; }

    /// <summary>Gets the <c>failures</c> entry's reason.</summary>
    /// <value>The default value is <c>RESOURCE:MEMORY</c>.</value>
    public string Reason { get; init; } = "RESOURCE:MEMORY";

    /// <summary>Gets the <c>failures</c> entry's detail, if any.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Detail { get; init; }

    /// <summary>Gets how many attempts of each launch are refused before it is placed; <see langword="null"/>: never placed.</summary>
    /// <value>The default value is 2.</value>
    public int? ClearsAfter { get; init; } = 2;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(Reason);
        if (ClearsAfter is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ClearsAfter), ClearsAfter, "ClearsAfter must not be negative.");
        }
    }
}
