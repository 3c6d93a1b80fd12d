using System.Globalization;
using System.Text;

namespace Prefect.Agent.Fargate.Benchmarks.Load;

/// <summary>Prints the figures of a workload or of the idle run, next to the targets of issue 7.</summary>
internal static class LoadReport
{
    private const double MiB = 1024 * 1024;

    public static string Format(LoadResult r)
    {
        var w = r.Workload;
        var b = new StringBuilder();
        Line(b, $"== Workload {w.Describe()}");
        Line(b, $"agent: {r.Agent}; log: {r.LogPath}");
        if (!r.Completed)
        {
            Line(b, $"!! INCOMPLETE: {r.RunsDeployed} of {w.Runs} runs got a RunTask (exit code {r.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "killed"})");
        }

        var ecsTotal = r.EcsCalls.Values.Sum();
        var graphqlTotal = r.GraphQLCalls.Values.Sum();
        Row(b, "wall, first poll -> last RunTask", $"{r.Wall.TotalSeconds:F3} s", w.Name == "a" ? "<= 1.4 s" : string.Empty);
        Row(b, "runs per second", $"{r.RunsDeployed / Math.Max(r.Wall.TotalSeconds, 1e-9):F1}", string.Empty);
        Row(b, "ECS calls per run (all)", $"{(double)ecsTotal / w.Runs:F3} ({ecsTotal} calls)", w.Name == "a" ? "<= 1.05" : string.Empty);
        foreach (var (operation, count) in r.EcsCalls.OrderByDescending(p => p.Value))
        {
            Row(b, $"  {operation}", $"{(double)count / w.Runs:F3} ({count})", string.Empty);
        }

        Row(b, "GraphQL calls per run (all)", $"{(double)graphqlTotal / w.Runs:F3} ({graphqlTotal} calls)", string.Empty);
        foreach (var (operation, count) in r.GraphQLCalls.OrderByDescending(p => p.Value))
        {
            Row(b, $"  {operation}", $"{(double)count / w.Runs:F3} ({count})", string.Empty);
        }

        var sharing = w.Agents > 1;
        Row(b, "throttled ECS calls", r.Throttled.ToString(CultureInfo.InvariantCulture), w.EnforceQuotas && !sharing ? "0" : string.Empty);
        foreach (var (operation, count) in r.ThrottledByOperation.OrderByDescending(p => p.Value))
        {
            Row(b, $"  {operation}", count.ToString(CultureInfo.InvariantCulture), string.Empty);
        }

        Row(b, "throttled share of ECS calls", $"{100.0 * r.Throttled / Math.Max(ecsTotal, 1):F2} %", sharing ? "<= 5 %" : string.Empty);
        Row(b, "runs launched exactly once (ECS tasks by startedBy)", $"{r.RunsLaunchedOnce} of {w.Runs}", w.Runs.ToString(CultureInfo.InvariantCulture));
        Row(b, "runs launched more than once", r.RunsLaunchedTwiceOrMore.ToString(CultureInfo.InvariantCulture), "0");
        Row(b, "runs Failed", r.RunsFailed.ToString(CultureInfo.InvariantCulture), "0");
        Row(b, "deploy latency p50/p95/max", Percentiles(r.DeployLatencies), string.Empty);
        Row(b, "  (from the metadata query that picked the run up to its RunTask)", string.Empty, string.Empty);
        Row(b, "time to RunTask from first poll p50/p95/max", Percentiles(r.QueueLatencies), string.Empty);
        Row(b, "agent peak RSS (VmHWM)", $"{r.PeakRssBytes / MiB:F1} MiB", "<= 45 MiB");
        Row(b, "agent CPU time, whole process", $"{r.CpuTotal.TotalSeconds:F2} s", string.Empty);
        Row(b, "agent CPU time, first poll -> end", $"{r.CpuUnderLoad.TotalSeconds:F2} s", string.Empty);
        Row(b, "start to first poll", $"{r.StartToFirstPoll.TotalMilliseconds:F0} ms", "<= 100 ms (AOT)");
        Row(b, "fakes' CPU time (this process), same span", $"{r.DriverCpu.TotalSeconds:F2} s", string.Empty);
        if (r.QuotaBounds.Count > 0)
        {
            var bound = r.QuotaBounds.Max(q => q.Bound);
            foreach (var (constraint, value) in r.QuotaBounds)
            {
                Row(b, $"  quota bound, {constraint}", $"{value.TotalSeconds:F2} s", string.Empty);
            }

            Row(b, "quota lower bound (the largest)", $"{bound.TotalSeconds:F2} s", string.Empty);
            Row(b, "wall / quota lower bound", $"{r.Wall.TotalSeconds / bound.TotalSeconds:F3}", w.Name switch { "d" => "<= 1.05", "e" => "<= 1.25", _ => "<= 1.1" });
        }

        Row(b, "agent exit code after SIGTERM", r.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "killed", "0");
        return b.ToString();
    }

    public static string Format(IdleResult r)
    {
        var b = new StringBuilder();
        Line(b, $"== Idle: no runs, {r.Window.TotalSeconds:F0} s after the first poll");
        Line(b, $"agent: {r.Agent}");
        Row(b, "start to first poll", $"{r.StartToFirstPoll.TotalMilliseconds:F0} ms", "<= 100 ms (AOT)");
        Row(b, "idle RSS at the end of the window", $"{r.RssAtEndBytes / MiB:F1} MiB", "<= 30 MiB");
        Row(b, "max RSS sampled in the window", $"{r.MaxRssInWindowBytes / MiB:F1} MiB", string.Empty);
        Row(b, "peak RSS (VmHWM, incl. start-up)", $"{r.PeakRssBytes / MiB:F1} MiB", string.Empty);
        Row(b, "CPU time in the window", $"{r.CpuInWindow.TotalSeconds:F2} s ({100 * r.CpuInWindow.TotalSeconds / r.Window.TotalSeconds:F3} % of a core)", string.Empty);
        Row(b, "CPU time, whole process", $"{r.CpuTotal.TotalSeconds:F2} s", string.Empty);
        Row(b, "polls in the window (incl. the first)", r.Polls.ToString(CultureInfo.InvariantCulture), string.Empty);
        return b.ToString();
    }

    private static string Percentiles(IReadOnlyList<TimeSpan> values)
    {
        if (values.Count == 0)
        {
            return "n/a";
        }

        var sorted = values.Select(v => v.TotalMilliseconds).Order().ToList();
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
        return $"{At(0.50):F0} / {At(0.95):F0} / {sorted[^1]:F0} ms";
    }

    private static void Row(StringBuilder b, string name, string value, string target) =>
        b.Append(CultureInfo.InvariantCulture, $"  {name,-52} {value,-28} {(target.Length > 0 ? "target " + target : string.Empty)}").Append('\n');

    private static void Line(StringBuilder b, string text) => b.Append(text).Append('\n');
}
