using System.Runtime.InteropServices;

namespace Prefect.Agent.Fargate.Benchmarks.Load;

/// <summary>The machine the figures were taken on.</summary>
internal static class MachineInfo
{
    public static string Describe()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault()?.Split(':', 2)[1].Trim() : null;
        return $"machine: {Environment.ProcessorCount} CPUs ({cpu ?? "unknown"}), {memory ?? "unknown"} memory, {RuntimeInformation.OSDescription}; driver on {RuntimeInformation.FrameworkDescription}";
    }
}
