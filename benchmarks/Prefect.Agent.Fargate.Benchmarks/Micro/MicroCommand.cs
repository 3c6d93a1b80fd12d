using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace Prefect.Agent.Fargate.Benchmarks.Micro;

/// <summary><c>micro [--full] [BenchmarkDotNet arguments]</c>: the hot-path micro-benchmarks, a short job unless <c>--full</c>.</summary>
internal static class MicroCommand
{
    public static int Run(string[] args)
    {
        var full = args.Contains("--full");
        var config = DefaultConfig.Instance.AddJob((full ? Job.Default : Job.ShortRun).WithId(full ? "Default" : "Short"));
        var rest = args.Where(a => a != "--full").ToArray();
        if (!rest.Contains("--filter"))
        {
            rest = [.. rest, "--filter", "*"];
        }

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(MicroCommand).Assembly).Run(rest, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
