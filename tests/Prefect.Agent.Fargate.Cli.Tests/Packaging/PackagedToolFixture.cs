using Prefect.Agent.Fargate.Cli.Commands;

namespace Prefect.Agent.Fargate.Cli.Tests.Packaging;

/// <summary>
/// Packs the three packages once (Release, into a temporary folder) and installs the tool from there into a
/// temporary tool path, as a user would: <c>dotnet tool install Prefect.Agent.Fargate.Cli --tool-path ...</c>.
/// </summary>
public sealed class PackagedToolFixture : IAsyncLifetime
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(12);

    public static string[] Projects { get; } =
    [
        "src/Prefect.Agent.Fargate/Prefect.Agent.Fargate.csproj",
        "src/Prefect.Agent.Fargate.Testing/Prefect.Agent.Fargate.Testing.csproj",
        "src/Prefect.Agent.Fargate.Cli/Prefect.Agent.Fargate.Cli.csproj",
    ];

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "pfa-pack-" + Guid.NewGuid().ToString("N")[..8]);

    public string PackageDirectory => Path.Combine(Root, "packages");

    public string ToolDirectory => Path.Combine(Root, "tools");

    public string Version { get; } = AgentCommandRunner.Version;

    public string RepositoryRoot { get; } = FindRepositoryRoot();

    public ProcessResult? Pack { get; private set; }

    public ProcessResult? Install { get; private set; }

    public ProcessResult? PackRid { get; private set; }

    /// <summary>Gets the RID of the Native AOT tool package built here (the tool lists linux-x64 only).</summary>
    public static string NativeRid => System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;

    /// <summary>
    /// Gets whether this machine can link Native AOT (<c>clang</c> on the PATH, as the .NET AOT compiler calls it). The
    /// README's prerequisites are the .NET SDK and Node.js: without clang the native package is not packed and the
    /// tests of the installed tool say so as skipped, instead of failing on a missing linker (CI installs clang).
    /// </summary>
    public static bool CanLinkNativeAot { get; } = !OperatingSystem.IsWindows()
        && (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, "clang")));

    /// <summary>Gets why the native package was not packed, for a skipped test.</summary>
    public const string NoNativeToolchain =
        "Native AOT needs clang on the PATH (e.g. apt-get install clang): the linux-x64 tool package was not packed here, so the installed tool is not tested.";

    public string ToolPath => Path.Combine(ToolDirectory, OperatingSystem.IsWindows() ? "prefect-fargate-agent.exe" : "prefect-fargate-agent");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);

        // One build for the three packages: a solution filter over the packable projects only.
        var filter = Path.Combine(Root, "packages.slnf");
        var solution = Path.Combine(RepositoryRoot, "Prefect.Agent.Fargate.sln").Replace("\\", "\\\\", StringComparison.Ordinal);
        var projects = string.Join(", ", Projects.Select(p => "\"" + p.Replace("/", "\\\\", StringComparison.Ordinal) + "\""));
        await File.WriteAllTextAsync(filter, $$"""{ "solution": { "path": "{{solution}}", "projects": [ {{projects}} ] } }""");

        Pack = await ProcessRunner.RunAsync(
            ProcessRunner.DotnetHost,
            ["pack", filter, "-c", "Release", "-o", PackageDirectory, "-nodeReuse:false"],
            RepositoryRoot,
            PackTimeout);
        if (Pack.ExitCode != 0)
        {
            return;
        }

        // The tool's RID packages (.NET 10 RID-specific tools): the framework-dependent fallback, and the Native AOT
        // build of this machine's RID, which `dotnet tool install` prefers (AOT does not cross-compile, so only here).
        foreach (var rid in CanLinkNativeAot ? ["any", NativeRid] : (string[])["any"])
        {
            PackRid = await ProcessRunner.RunAsync(
                ProcessRunner.DotnetHost,
                ["pack", Path.Combine(RepositoryRoot, Projects[2]), "-c", "Release", "-r", rid, "-o", PackageDirectory, "-nodeReuse:false"],
                RepositoryRoot,
                PackTimeout);
            if (PackRid.ExitCode != 0)
            {
                Pack = PackRid;
                return;
            }
        }

        if (!CanLinkNativeAot)
        {
            return;
        }

        Install = await ProcessRunner.RunAsync(
            ProcessRunner.DotnetHost,
            ["tool", "install", "Prefect.Agent.Fargate.Cli", "--tool-path", ToolDirectory, "--add-source", PackageDirectory, "--version", Version],
            Root,
            PackTimeout);
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }

        return Task.CompletedTask;
    }

    public Task<ProcessResult> RunToolAsync(params string[] args)
        => ProcessRunner.RunAsync(ToolPath, args, Root, TimeSpan.FromMinutes(2));

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Prefect.Agent.Fargate.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Prefect.Agent.Fargate.sln not found above " + AppContext.BaseDirectory);
    }
}
