using System.Diagnostics;

namespace Prefect.Agent.Fargate.Tests.Docs;

/// <summary>
/// The setup step of the README's test command (tests/NodeModules.targets, run by the test project's build) on a copy of
/// tests/package.json and package-lock.json without node_modules. Reaches the npm registry.
/// </summary>
public sealed class NodeModulesSetupTests
{
    private static readonly string Targets = Path.Combine(RepositoryFiles.Root, "tests", "NodeModules.targets");

    [Fact]
    public async Task A_folder_without_node_modules_gets_s3rver_and_a_second_build_does_nothing()
    {
        var folder = CopyPackageFiles();
        try
        {
            var first = await RunTargetAsync(folder, path: null);
            Assert.True(first.ExitCode == 0, first.Output);
            Assert.True(File.Exists(Path.Combine(folder, "node_modules", "s3rver", "bin", "s3rver.js")), first.Output);
            Assert.True(File.Exists(Path.Combine(folder, "node_modules", ".npm-ci.stamp")), first.Output);
            Assert.Contains("npm ci in", first.Output, StringComparison.Ordinal);

            var second = await RunTargetAsync(folder, path: null);
            Assert.True(second.ExitCode == 0, second.Output);
            Assert.DoesNotContain("npm ci in", second.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Without_node_the_build_goes_on_with_one_message_naming_nodejs()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // builds a PATH of POSIX shell links
        }

        var folder = CopyPackageFiles();
        var bin = Directory.CreateTempSubdirectory("no-node-").FullName;
        try
        {
            // A PATH with a shell (Exec needs one) and no node.
            File.CreateSymbolicLink(Path.Combine(bin, "sh"), "/bin/sh");
            var result = await RunTargetAsync(folder, path: bin);

            Assert.True(result.ExitCode == 0, result.Output);
            var lines = result.Output.Split('\n').Where(l => l.Contains("Node.js", StringComparison.Ordinal)).ToList();
            var line = Assert.Single(lines);
            Assert.Contains("Node.js was not found on PATH", line, StringComparison.Ordinal);
            Assert.Contains("S3 tests", line, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(folder, "node_modules")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
            Directory.Delete(bin, recursive: true);
        }
    }

    private static string CopyPackageFiles()
    {
        var folder = Directory.CreateTempSubdirectory("npm-setup-").FullName;
        foreach (var name in new[] { "package.json", "package-lock.json" })
        {
            File.Copy(Path.Combine(RepositoryFiles.Root, "tests", name), Path.Combine(folder, name));
        }

        return folder;
    }

    private static async Task<(int ExitCode, string Output)> RunTargetAsync(string folder, string? path)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
            : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "msbuild", Targets, "-t:EnsureNodeModules", $"-p:NodeModulesDirectory={folder}", "-nologo", "-v:m", "-nodeReuse:false", "-tl:off" })
        {
            start.ArgumentList.Add(argument);
        }

        if (path is not null)
        {
            start.Environment["PATH"] = path;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
