using System.Globalization;

namespace Prefect.Agent.Fargate.Prefect;

/// <summary>Formats times as Python's <c>datetime.isoformat()</c> of a UTC pendulum time.</summary>
internal static class PrefectTime
{
    /// <summary>Formats <paramref name="value"/> in UTC, e.g. <c>2021-07-01T12:00:10.123456+00:00</c> (no fraction when it is zero, as Python).</summary>
    /// <param name="value">The time.</param>
    /// <returns>The text.</returns>
    public static string Format(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        var micros = (utc.Ticks % TimeSpan.TicksPerSecond) / 10;
        return micros == 0
            ? utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "+00:00"
            : utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "." + micros.ToString("D6", CultureInfo.InvariantCulture) + "+00:00";
    }
}
