using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Prefect.Agent.Fargate.Benchmarks.Micro;

/// <summary>
/// <c>micro [--full] [BenchmarkDotNet arguments]</c>: the hot-path micro-benchmarks. By default a short job in this
/// process (no separate build, a minute or two); <c>--full</c> runs BenchmarkDotNet's default job in its own process.
/// </summary>
internal static class MicroCommand
{
    public static int Run(string[] args)
    {
        var full = args.Contains("--full");
        var job = full ? Job.Default.WithId("Default") : Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("ShortInProcess");
        var config = DefaultConfig.Instance.AddJob(job);
        var rest = args.Where(a => a != "--full").ToArray();
        if (!rest.Contains("--filter"))
        {
            rest = [.. rest, "--filter", "*"];
        }

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(MicroCommand).Assembly).Run(rest, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
