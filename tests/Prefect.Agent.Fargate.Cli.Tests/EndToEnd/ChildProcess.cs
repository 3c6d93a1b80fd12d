using System.Diagnostics;
using System.Text;
using Prefect.Agent.Fargate.Cli.Demo;
using Prefect.Agent.Fargate.Cli.Tests.Packaging;

namespace Prefect.Agent.Fargate.Cli.Tests.EndToEnd;

/// <summary>
/// A child process with a clean environment (none of the test host's AWS, Prefect or MSBuild variables, only what the
/// test gives) and captured output, that can be sent SIGTERM.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly StringBuilder error = new();

    private ChildProcess(Process process)
    {
        this.process = process;
    }

    /// <summary>Gets the path of the tool's assembly, copied next to the tests by the project reference.</summary>
    public static string CliAssembly { get; } = Path.Combine(AppContext.BaseDirectory, "prefect-fargate-agent.dll");

    public bool HasExited => process.HasExited;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (error)
            {
                return error.ToString();
            }
        }
    }

    /// <summary>Starts <c>dotnet &lt;assembly&gt; args...</c>.</summary>
    /// <param name="assembly">The application's .dll.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="environment">The variables the test sets; inherited AWS/Prefect ones are removed first.</param>
    /// <returns>The running process.</returns>
    public static ChildProcess StartDotnet(string assembly, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(ProcessRunner.DotnetHost)
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(k => DemoEnvironment.IsHidden(k) || k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("FargateAgent__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        // Never let a child fall through to the EC2 instance metadata service.
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Append(child.output, e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(child.error, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Sends SIGTERM, as <c>docker stop</c> or ECS would.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();

        // kill fails only when the process is already gone, which is what the caller wanted.
        Assert.True(kill.ExitCode == 0 || process.HasExited, $"kill -TERM {process.Id} failed with {kill.ExitCode}");
    }

    /// <summary>Waits for the exit; kills the process tree and fails after the timeout.</summary>
    /// <param name="timeout">The longest wait.</param>
    /// <returns>The exit code and output.</returns>
    public async Task<ProcessResult> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The child process did not exit within {timeout}.\n--- stdout\n{Output}\n--- stderr\n{Error}");
        }

        // The parameterless wait also drains the redirected streams.
        await process.WaitForExitAsync();
        return new ProcessResult(process.ExitCode, Output, Error);
    }

    /// <summary>Waits until <paramref name="condition"/> holds, failing with the output after the timeout.</summary>
    /// <param name="condition">What to wait for.</param>
    /// <param name="timeout">The longest wait.</param>
    /// <param name="what">What is awaited, for the failure message.</param>
    /// <returns>A task completing when the condition holds.</returns>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            if (process.HasExited || stopwatch.Elapsed > timeout)
            {
                throw new TimeoutException($"Gave up waiting for {what} (exited: {process.HasExited}).\n--- stdout\n{Output}\n--- stderr\n{Error}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        }
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (target)
        {
            target.Append(line).Append('\n');
        }
    }
}
