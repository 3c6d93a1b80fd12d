namespace Prefect.Agent.Fargate.Testing.Ecs;

/// <summary>
/// Faults a <see cref="FakeEcs"/> answers at random, as a bad moment of AWS would: a fraction of calls throttled, a
/// fraction answered HTTP 500. Draws come from one pseudo-random sequence seeded with <see cref="Seed"/> (the order
/// in which concurrent calls draw is up to the scheduler). Set them with <see cref="FakeEcs.SetRandomFaults"/>.
/// Faults queued with <see cref="FakeEcs.InjectFault"/> are answered first; a call answered with a random fault
/// takes no quota token and has no effect.
/// </summary>
/// <example>
/// <code>
/// // 30 % of every ECS call throttled, 5 % answered HTTP 500 ServerException.
/// ecs.SetRandomFaults(new FakeEcsRandomFaults { ThrottlingRate = 0.30, ServerErrorRate = 0.05, Seed = 7 });
/// </code>
/// </example>
public sealed class FakeEcsRandomFaults
{
    /// <summary>Gets the fraction of calls answered HTTP 400 <c>ThrottlingException</c> "Rate exceeded" (0 to 1).</summary>
    /// <value>The default value is 0.</value>
    public double ThrottlingRate { get; init; }

    /// <summary>Gets the fraction of calls answered HTTP 500 <c>ServerException</c> (0 to 1).</summary>
    /// <value>The default value is 0.</value>
    public double ServerErrorRate { get; init; }

    /// <summary>Gets the seed of the pseudo-random sequence.</summary>
    /// <value>The default value is 0.</value>
    public int Seed { get; init; }

    internal void Validate()
    {
        if (ThrottlingRate is < 0 or > 1 || double.IsNaN(ThrottlingRate))
        {
            throw new ArgumentOutOfRangeException(nameof(ThrottlingRate), ThrottlingRate, "A rate is between 0 and 1.");
        }

        if (ServerErrorRate is < 0 or > 1 || double.IsNaN(ServerErrorRate))
        {
            throw new ArgumentOutOfRangeException(nameof(ServerErrorRate), ServerErrorRate, "A rate is between 0 and 1.");
        }

        if (ThrottlingRate + ServerErrorRate > 1)
        {
            throw new ArgumentException("ThrottlingRate and ServerErrorRate add up to more than 1.", nameof(ServerErrorRate));
        }
    }

    /// <summary>One registration: the settings and their own sequence.</summary>
    internal sealed class Draw(FakeEcsRandomFaults faults)
    {
        private readonly Random random = new(faults.Seed);

        /// <summary>Draws the fault of one call, if any. The caller locks.</summary>
        /// <returns>The fault, or <see langword="null"/>.</returns>
        public FakeEcsFault? Next()
        {
#pragma warning disable CA5394 // Test faults, not security.
            var x = random.NextDouble();
#pragma warning restore CA5394
            return x < faults.ThrottlingRate ? FakeEcsFault.Throttling()
                : x < faults.ThrottlingRate + faults.ServerErrorRate ? FakeEcsFault.ServerError()
                : null;
        }
    }
}
