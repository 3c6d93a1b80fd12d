using System.Globalization;

namespace Prefect.Agent.Fargate.Benchmarks.Load;

/// <summary>One reading of a Linux process's memory and CPU from <c>/proc</c>.</summary>
/// <param name="RssBytes">The resident set now (<c>VmRSS</c>).</param>
/// <param name="PeakRssBytes">The resident set's high-water mark since the process started (<c>VmHWM</c>).</param>
/// <param name="CpuTime">User plus system CPU time of all its threads so far.</param>
internal sealed record ProcSample(long RssBytes, long PeakRssBytes, TimeSpan CpuTime)
{
    // USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every Linux ABI .NET runs on.
    private const double ClockTicksPerSecond = 100;

    /// <summary>Reads a process, or returns <see langword="null"/> when it has exited.</summary>
    /// <param name="pid">The process id.</param>
    /// <returns>The sample.</returns>
    public static ProcSample? TryRead(int pid)
    {
        try
        {
            long rss = 0, hwm = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kilobytes(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    hwm = Kilobytes(line);
                }
            }

            // Fields after the command name (which may contain spaces) start after the last ')'; utime and stime are
            // fields 14 and 15 of the whole line, so 12 and 13 after the state field.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return new ProcSample(rss * 1024, hwm * 1024, TimeSpan.FromSeconds(ticks / ClockTicksPerSecond));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Opens <c>/proc/&lt;pid&gt;/statm</c> for <see cref="TryReadRss"/>, or returns <see langword="null"/> when the process has exited.</summary>
    /// <param name="pid">The process id.</param>
    /// <returns>The open file.</returns>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle? OpenStatm(int pid)
    {
        try
        {
            return File.OpenHandle($"/proc/{pid}/statm");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads only the resident set (<c>VmRSS</c>) from an open <c>statm</c>: one short line re-read in place, cheap
    /// enough to sample every few milliseconds from the process that also runs the fakes.
    /// </summary>
    /// <param name="statm">The file, from <see cref="OpenStatm"/>.</param>
    /// <param name="buffer">A buffer of at least 128 bytes.</param>
    /// <returns>The resident set in bytes, or <see langword="null"/> when the process has exited.</returns>
    public static long? TryReadRss(Microsoft.Win32.SafeHandles.SafeFileHandle statm, byte[] buffer)
    {
        try
        {
            // "size resident shared text lib data dt", in pages; "resident" is what status reports as VmRSS.
            var line = buffer.AsSpan(0, RandomAccess.Read(statm, buffer, 0));
            var start = line.IndexOf((byte)' ') + 1;
            var length = line[start..].IndexOf((byte)' ');
            return long.Parse(line.Slice(start, length), CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
}
