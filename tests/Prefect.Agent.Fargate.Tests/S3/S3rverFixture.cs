using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;

namespace Prefect.Agent.Fargate.Tests.S3;

/// <summary>
/// A real s3rver 3.7.1 (MIT, installed by <c>npm ci</c> in <c>tests/</c>) on 127.0.0.1 and a free port, with the
/// bucket <see cref="Bucket"/>. Its built-in credentials are <c>S3RVER</c>/<c>S3RVER</c>.
/// </summary>
public sealed partial class S3rverFixture : IAsyncLifetime
{
    public const string Bucket = "prefect-kwargs";
    public const string AccessKey = "S3RVER";

    private readonly StringBuilder output = new();
    private readonly TaskCompletionSource<int> port = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HttpClient http = new();
    private Process? process;
    private string? dataDirectory;

    public Uri Endpoint { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var root = FindRepositoryRoot();
        var script = Path.Combine(root, "tests", "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"s3rver is not installed ({script} is missing): install Node.js 18 or later and build again (the test build runs npm ci in tests/ by itself, tests/NodeModules.targets).");
        }

        dataDirectory = Directory.CreateTempSubdirectory("s3rver-").FullName;
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { script, "-d", dataDirectory, "-a", "127.0.0.1", "-p", "0", "--configure-bucket", Bucket })
        {
            start.ArgumentList.Add(argument);
        }

        process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => OnOutput(e.Data);
        process.Exited += (_, _) => port.TrySetException(new InvalidOperationException($"s3rver exited before listening. Output:\n{Output()}"));
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("node could not be started: install Node.js 18+ and run npm ci in tests/.", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            Endpoint = new Uri($"http://127.0.0.1:{await port.Task.WaitAsync(timeout.Token)}/");
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException($"s3rver did not say where it listens within 60 s. Output:\n{Output()}");
        }
    }

    /// <summary>Stores an object with a plain, unsigned PUT (s3rver accepts it; the SDK's chunked upload would store the framing).</summary>
    public async Task PutAsync(string key, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var path = string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        using var response = await http.PutAsync(new Uri(Endpoint, $"{Bucket}/{path}"), content);
        response.EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        if (process is not null)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        if (dataDirectory is not null)
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Prefect.Agent.Fargate.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Prefect.Agent.Fargate.sln not found above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"S3rver listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }

        var match = ListeningLine().Match(line);
        if (match.Success)
        {
            port.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private string Output()
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
