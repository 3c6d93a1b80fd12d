using System.Globalization;

namespace Prefect.Agent.Fargate.Cli.Demo;

/// <summary>The demo's progress line, e.g. <c>[########------------] 2/5 flow runs launched</c>.</summary>
internal static class DemoProgress
{
    public const int DefaultWidth = 20;

    /// <summary>Renders a progress bar.</summary>
    /// <param name="done">How many flow runs reached a final state.</param>
    /// <param name="total">How many flow runs the demo scheduled.</param>
    /// <param name="verb">What happened to them, e.g. <c>launched</c>.</param>
    /// <param name="width">The number of cells of the bar.</param>
    /// <returns>The line, without newline.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative, or the width is not positive.</exception>
    public static string Render(int done, int total, string verb = "launched", int width = DefaultWidth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(done);
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);

        // More results than scheduled runs can happen when the fake backend is re-polled; never overflow the bar.
        var shown = Math.Min(done, total);
        var filled = total == 0 ? width : (int)((long)shown * width / total);
        var noun = total == 1 ? "flow run" : "flow runs";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('-', width - filled)}] {shown}/{total} {noun} {verb}");
    }
}
