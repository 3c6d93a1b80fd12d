namespace Prefect.Agent.Fargate;

/// <summary>How log lines show a duration: seconds, rounded for reading ("retry 1 in 1.2 s"), never a raw <see cref="TimeSpan"/>.</summary>
internal static class LogDurations
{
    /// <summary>Gets a duration in seconds: one decimal from 1 s, two below, three below 0.1 s.</summary>
    /// <param name="duration">The duration.</param>
    /// <returns>The seconds, rounded.</returns>
    public static double Seconds(TimeSpan duration)
    {
        var seconds = duration.TotalSeconds;
        var digits = Math.Abs(seconds) >= 1 ? 1 : Math.Abs(seconds) >= 0.1 ? 2 : 3;
        return Math.Round(seconds, digits, MidpointRounding.AwayFromZero);
    }
}
