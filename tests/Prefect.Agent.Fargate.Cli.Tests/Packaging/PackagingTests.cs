using System.IO.Compression;
using System.Xml.Linq;

namespace Prefect.Agent.Fargate.Cli.Tests.Packaging;

public class PackagingTests : IClassFixture<PackagedToolFixture>
{
    private readonly PackagedToolFixture packed;

    public PackagingTests(PackagedToolFixture packed)
    {
        this.packed = packed;
    }

    [SkippableTheory]
    [InlineData("Prefect.Agent.Fargate", true)]
    [InlineData("Prefect.Agent.Fargate.Testing", true)]
    [InlineData("Prefect.Agent.Fargate.Cli", false)]
    [InlineData("Prefect.Agent.Fargate.Cli.any", true)]
    [InlineData("Prefect.Agent.Fargate.Cli.linux-x64", false)]
    public void Pack_EachPackage_HasReadmeLicenceVersionAndSymbols(string id, bool symbols)
    {
        Skip.If(id.EndsWith(".linux-x64", StringComparison.Ordinal) && !PackagedToolFixture.CanLinkNativeAot, PackagedToolFixture.NoNativeToolchain);
        Assert.True(packed.Pack?.ExitCode == 0, packed.Pack?.ToString());
        var nupkg = Path.Combine(packed.PackageDirectory, $"{id}.{packed.Version}.nupkg");
        Assert.True(File.Exists(nupkg), $"{nupkg} missing; found: {string.Join(", ", Directory.GetFiles(packed.PackageDirectory))}");
        Assert.Equal(symbols, File.Exists(Path.ChangeExtension(nupkg, ".snupkg")));

        using var zip = ZipFile.OpenRead(nupkg);
        Assert.NotNull(zip.GetEntry("README.md"));
        var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspec.Open();
        var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Field(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        Assert.Equal(id, Field("id"));
        Assert.Equal(packed.Version, Field("version"));
        Assert.Equal("Apache-2.0", Field("license"));
        Assert.Equal("README.md", Field("readme"));
        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.StartsWith("https://github.com/", repository.Attribute("url")?.Value, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("Prefect.Agent.Fargate", "lib/net8.0/Prefect.Agent.Fargate.xml")]
    [InlineData("Prefect.Agent.Fargate", "lib/net10.0/Prefect.Agent.Fargate.xml")]
    [InlineData("Prefect.Agent.Fargate.Testing", "lib/net10.0/Prefect.Agent.Fargate.Testing.xml")]
    [InlineData("Prefect.Agent.Fargate.Cli", "tools/any/any/DotnetToolSettings.xml")]
    [InlineData("Prefect.Agent.Fargate.Cli.any", "tools/net10.0/any/prefect-fargate-agent.dll")]
    [InlineData("Prefect.Agent.Fargate.Cli.linux-x64", "tools/any/linux-x64/prefect-fargate-agent")]
    public void Pack_Package_ContainsItsAssembliesAndXmlDocs(string id, string entry)
    {
        Skip.If(id.EndsWith(".linux-x64", StringComparison.Ordinal) && !PackagedToolFixture.CanLinkNativeAot, PackagedToolFixture.NoNativeToolchain);
        Assert.True(packed.Pack?.ExitCode == 0, packed.Pack?.ToString());
        using var zip = ZipFile.OpenRead(Path.Combine(packed.PackageDirectory, $"{id}.{packed.Version}.nupkg"));

        Assert.NotNull(zip.GetEntry(entry));
    }

    [Fact]
    public void Pack_AnyFallback_NeedsOnlyThePlainNetRuntime()
    {
        Assert.True(packed.Pack?.ExitCode == 0, packed.Pack?.ToString());
        using var zip = ZipFile.OpenRead(Path.Combine(packed.PackageDirectory, $"Prefect.Agent.Fargate.Cli.any.{packed.Version}.nupkg"));
        using var stream = zip.GetEntry("tools/net10.0/any/prefect-fargate-agent.runtimeconfig.json")!.Open();
        var options = System.Text.Json.Nodes.JsonNode.Parse(stream)!["runtimeOptions"]!;

        // One framework, Microsoft.NETCore.App: `start` and `validate` run on a runtime-only image (no ASP.NET Core).
        Assert.Equal("Microsoft.NETCore.App", options["framework"]?["name"]?.GetValue<string>());
        Assert.Null(options["frameworks"]);
        Assert.DoesNotContain(zip.Entries, e => e.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Fact]
    public void Pack_ToolSettings_NameTheNativeAndTheFallbackPackages()
    {
        Assert.True(packed.Pack?.ExitCode == 0, packed.Pack?.ToString());
        using var zip = ZipFile.OpenRead(Path.Combine(packed.PackageDirectory, $"Prefect.Agent.Fargate.Cli.{packed.Version}.nupkg"));
        using var stream = zip.GetEntry("tools/any/any/DotnetToolSettings.xml")!.Open();
        var settings = XDocument.Load(stream).ToString();

        Assert.Contains("Prefect.Agent.Fargate.Cli.linux-x64", settings, StringComparison.Ordinal);
        Assert.Contains("Prefect.Agent.Fargate.Cli.any", settings, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Pack_NativePackage_CarriesTheBinaryWithoutSymbolsOrDocs()
    {
        Skip.IfNot(PackagedToolFixture.CanLinkNativeAot, PackagedToolFixture.NoNativeToolchain);
        Assert.True(packed.Pack?.ExitCode == 0, packed.Pack?.ToString());
        using var zip = ZipFile.OpenRead(Path.Combine(packed.PackageDirectory, $"Prefect.Agent.Fargate.Cli.{PackagedToolFixture.NativeRid}.{packed.Version}.nupkg"));

        var tools = zip.Entries.Where(e => e.FullName.StartsWith("tools/", StringComparison.Ordinal)).Select(e => e.Name).Order(StringComparer.Ordinal);
        Assert.Equal(["DotnetToolSettings.xml", "prefect-fargate-agent"], tools);
    }

    [SkippableFact]
    public void Pack_NativePackage_EmbedsItsGcBudgets()
    {
        Skip.IfNot(PackagedToolFixture.CanLinkNativeAot, PackagedToolFixture.NoNativeToolchain);
        Assert.True(packed.Pack?.ExitCode == 0, packed.Pack?.ToString());
        using var zip = ZipFile.OpenRead(Path.Combine(packed.PackageDirectory, $"Prefect.Agent.Fargate.Cli.{PackagedToolFixture.NativeRid}.{packed.Version}.nupkg"));
        using var binary = new MemoryStream();
        using (var entry = zip.Entries.Single(e => e.FullName.EndsWith("/prefect-fargate-agent", StringComparison.Ordinal)).Open())
        {
            entry.CopyTo(binary);
        }

        // ILC writes the --runtimeopt names, then their values, NUL-terminated, in the project's order: 1 MB GC regions
        // and a 4 MB gen0 budget, so that the budget does not follow a large CPU cache (benchmarks/README.md, "Memory").
        var options = System.Text.Encoding.ASCII.GetBytes("GCRegionSize\0GCgen0size\0100000\0400000\0");
        Assert.True(binary.ToArray().AsSpan().IndexOf(options) >= 0, "the native binary does not embed GCRegionSize=100000 and GCgen0size=400000");
    }

    [SkippableFact]
    public void InstalledTool_OnThisMachine_IsTheNativeAotPackage()
    {
        Skip.IfNot(PackagedToolFixture.CanLinkNativeAot, PackagedToolFixture.NoNativeToolchain);
        AssertInstalled();
        var store = Path.Combine(packed.ToolDirectory, ".store");

        // The RID package of this machine was installed, and its command is one native executable: no managed entry
        // assembly and no runtimeconfig beside it (a JIT tool has both).
        var installed = Directory.GetDirectories(store, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.Contains("prefect.agent.fargate.cli." + PackagedToolFixture.NativeRid, installed);
        var command = Directory.GetFiles(store, "prefect-fargate-agent", SearchOption.AllDirectories).Single();
        var beside = Directory.GetFiles(Path.GetDirectoryName(command)!).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(["DotnetToolSettings.xml", "prefect-fargate-agent"], beside);
        var header = new byte[4];
        using (var file = File.OpenRead(command))
        {
            file.ReadExactly(header);
        }

        Assert.Equal("\u007fELF", System.Text.Encoding.ASCII.GetString(header));
    }

    [SkippableFact]
    public async Task InstalledTool_StartHelp_PrintsWhatTheJitBuildPrints()
    {
        Skip.IfNot(PackagedToolFixture.CanLinkNativeAot, PackagedToolFixture.NoNativeToolchain);
        AssertInstalled();

        var native = await packed.RunToolAsync("start", "--help");
        var jit = await ProcessRunner.RunAsync(
            ProcessRunner.DotnetHost, [Path.Combine(AppContext.BaseDirectory, "prefect-fargate-agent.dll"), "start", "--help"], packed.Root, TimeSpan.FromMinutes(2));

        Assert.True(native.ExitCode == 0, native.ToString());
        Assert.True(jit.ExitCode == 0, jit.ToString());
        Assert.Contains("--label", native.Output, StringComparison.Ordinal);
        Assert.Equal(jit.Output, native.Output);
    }

    [SkippableFact]
    public async Task InstalledTool_Version_PrintsThePackageVersion()
    {
        Skip.IfNot(PackagedToolFixture.CanLinkNativeAot, PackagedToolFixture.NoNativeToolchain);
        AssertInstalled();

        var result = await packed.RunToolAsync("--version");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(packed.Version, result.Output.Trim());
    }

    [SkippableFact]
    public async Task InstalledTool_Help_ListsTheCommands()
    {
        Skip.IfNot(PackagedToolFixture.CanLinkNativeAot, PackagedToolFixture.NoNativeToolchain);
        AssertInstalled();

        var result = await packed.RunToolAsync("--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("start", result.Output, StringComparison.Ordinal);
        Assert.Contains("validate", result.Output, StringComparison.Ordinal);
        Assert.Contains("demo", result.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task InstalledTool_UnknownFlag_ExitsTwo()
    {
        Skip.IfNot(PackagedToolFixture.CanLinkNativeAot, PackagedToolFixture.NoNativeToolchain);
        AssertInstalled();

        var result = await packed.RunToolAsync("start", "--cpu", "256");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown option '--cpu'", result.Error, StringComparison.Ordinal);
    }

    // The installed tool runs the real agent against the fakes of Prefect.Agent.Fargate.Testing, from its own package.
    [SkippableFact]
    public async Task InstalledTool_Demo_RunsToTheFinalTable()
    {
        Skip.IfNot(PackagedToolFixture.CanLinkNativeAot, PackagedToolFixture.NoNativeToolchain);
        AssertInstalled();

        var result = await packed.RunToolAsync("demo");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("task definition", result.Output, StringComparison.Ordinal);
        Assert.Contains("final state", result.Output, StringComparison.Ordinal);
        Assert.Contains("7 flow runs: 1 Failed, 6 Submitted", result.Output, StringComparison.Ordinal);
        Assert.Contains("TaskFailedToStart: CannotPullContainerError", result.Output, StringComparison.Ordinal);
    }

    private void AssertInstalled()
    {
        Assert.True(packed.Pack?.ExitCode == 0, packed.Pack?.ToString());
        Assert.True(packed.Install?.ExitCode == 0, packed.Install?.ToString());
    }
}
