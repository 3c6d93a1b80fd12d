using System.Globalization;
using System.Text;

namespace Prefect.Agent.Fargate.Cli.Demo;

/// <summary>Renders the demo's final table as plain text that reads well in a terminal and in CI logs.</summary>
internal static class DemoTable
{
    public static readonly IReadOnlyList<string> Headers = ["flow run", "task definition", "task ARN", "final state"];

    /// <summary>The header of the column shown when a run has a reason (a Failed run).</summary>
    public const string ReasonHeader = "reason";

    private const string Missing = "-";

    /// <summary>
    /// Renders the rows under a header and an underline; missing cells show as <c>-</c>. A last column, <c>reason</c>,
    /// is shown when a row has one (empty for the others).
    /// </summary>
    /// <param name="rows">The rows, in the order given.</param>
    /// <returns>The table, one line per row, each ending with a newline.</returns>
    public static string Render(IReadOnlyList<DemoRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var withReason = rows.Any(r => !string.IsNullOrEmpty(r.Reason));
        IReadOnlyList<string> headers = withReason ? [.. Headers, ReasonHeader] : Headers;
        var cells = rows.Select(r => withReason
            ? new[] { r.FlowRun, r.TaskDefinition ?? Missing, r.TaskArn ?? Missing, r.FinalState, r.Reason ?? string.Empty }
            : new[] { r.FlowRun, r.TaskDefinition ?? Missing, r.TaskArn ?? Missing, r.FinalState }).ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(c => c[i].Length))).ToArray();

        var text = new StringBuilder();
        AppendLine(text, headers, widths);
        AppendLine(text, widths.Select(w => new string('-', w)).ToArray(), widths);
        foreach (var row in cells)
        {
            AppendLine(text, row, widths);
        }

        return text.ToString();
    }

    /// <summary>Counts the rows per final state, e.g. <c>3 flow runs: 2 Submitted, 1 Failed</c>.</summary>
    /// <param name="rows">The rows.</param>
    /// <returns>The summary line, states in order of first appearance.</returns>
    public static string Summarize(IReadOnlyList<DemoRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var counts = rows.GroupBy(r => r.FinalState, StringComparer.Ordinal)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()} {g.Key}"));
        var noun = rows.Count == 1 ? "flow run" : "flow runs";
        return rows.Count == 0
            ? "0 flow runs"
            : string.Create(CultureInfo.InvariantCulture, $"{rows.Count} {noun}: {string.Join(", ", counts)}");
    }

    private static void AppendLine(StringBuilder text, IReadOnlyList<string> cells, int[] widths)
    {
        var line = string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i])));
        text.Append(line.TrimEnd()).Append('\n');
    }
}
