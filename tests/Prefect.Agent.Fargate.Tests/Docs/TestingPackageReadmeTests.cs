using System.Diagnostics;
using System.IO.Compression;
using System.Text.RegularExpressions;
using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Testing.Prefect;

namespace Prefect.Agent.Fargate.Tests.Docs;

/// <summary>
/// The Testing package's README: its example is this file's <see cref="The_readme_example_launches_a_run"/> body,
/// word for word (checked), and the package carries its readme and the notice of the SDL it embeds.
/// </summary>
public sealed partial class TestingPackageReadmeTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Docs", "README.md"));

    [Fact]
    public async Task The_readme_example_launches_a_run()
    {
        // README example begin
        await using var prefect = await FakePrefectApi.StartAsync();       // plays Prefect Server
        await using var ecs = await FakeEcs.StartAsync();                  // checks SigV4 and the ECS model
        var run = prefect.AddScheduledFlowRun("etl", image: "registry.example.com/etl:1");

        // Point the agent at both fakes: API URL, backend, credentials, ECS endpoints, region and keys.
        var options = ecs.ApplyTo(prefect.ApplyTo(new AgentOptions()));
        options.MaxPolls = 1;                                              // one poll, then drain and stop
        options.Kwargs["cpu"] = "256";                                     // Fargate needs cpu, memory, a subnet
        options.Kwargs["memory"] = "512";
        options.Kwargs["networkConfiguration"] = "{'awsvpcConfiguration': {'subnets': ['subnet-1']}}";

        await using (var agent = new FargateAgent(options))
        {
            await agent.StartAsync();                                      // completes once the agent has stopped
        }

        Assert.Equal("Submitted", prefect.GetFlowRun(run.Id)!.State);
        Assert.Equal(1, ecs.GetCallCount("RunTask"));
        // README example end
    }

    [Fact]
    public void The_readme_example_is_the_tested_code()
    {
        var source = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "tests", "Prefect.Agent.Fargate.Tests", "Docs", "TestingPackageReadmeTests.cs"));
        var tested = Between(source, "// README example begin\n", "        // README example end");
        var testedLines = tested.Split('\n').Select(l => l.Length >= 8 ? l[8..] : l.TrimStart());

        var block = ReadmeCSharpBlock().Match(Readme);
        Assert.True(block.Success, "The Testing README has no ```csharp block.");
        Assert.Equal(string.Join('\n', testedLines).TrimEnd(), block.Groups["code"].Value.Replace("\r", string.Empty, StringComparison.Ordinal).TrimEnd());
    }

    [Theory]
    [InlineData(FakePrefectBackendMode.Server, PrefectBackend.Server, null, null)]
    [InlineData(FakePrefectBackendMode.CloudApiKey, PrefectBackend.Cloud, "fake-prefect-api-key", null)]
    [InlineData(FakePrefectBackendMode.CloudToken, PrefectBackend.Cloud, null, "fake-prefect-agent-token")]
    public async Task ApplyTo_points_the_options_at_the_fake_prefect_api(FakePrefectBackendMode mode, PrefectBackend backend, string? key, string? token)
    {
        await using var prefect = await FakePrefectApi.StartAsync(new FakePrefectApiOptions { Mode = mode });
        var options = new AgentOptions { ApiKey = "stale-key", AgentToken = "stale-token", TenantId = "stale-tenant" };

        Assert.Same(options, prefect.ApplyTo(options));

        Assert.Equal(prefect.Url, options.ApiUrl);
        Assert.Equal(backend, options.Backend);
        Assert.Equal(key, options.ApiKey);
        Assert.Equal(token, options.AgentToken);
        Assert.Equal(mode == FakePrefectBackendMode.CloudApiKey ? prefect.TenantId : null, options.TenantId);
    }

    [Fact]
    public async Task The_testing_package_carries_its_readme_and_the_sdl_notice()
    {
        var project = Path.Combine(RepositoryFiles.Root, "src", "Prefect.Agent.Fargate.Testing", "Prefect.Agent.Fargate.Testing.csproj");
        var output = Directory.CreateTempSubdirectory("pack-").FullName;
        try
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "pack", project, "--no-build", "-c", Configuration, "--nologo", "-v:q", "-o", output, "-p:IncludeSymbols=false" })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"dotnet pack failed:\n{await stdout}\n{await stderr}");

            var package = Assert.Single(Directory.GetFiles(output, "Prefect.Agent.Fargate.Testing.*.nupkg"));
            using var zip = ZipFile.OpenRead(package);
            var notices = zip.GetEntry("THIRD-PARTY-NOTICES.md");
            Assert.NotNull(notices);
            using (var reader = new StreamReader(notices.Open()))
            {
                Assert.Contains("Prefect Community License", await reader.ReadToEndAsync(), StringComparison.Ordinal);
            }

            var readme = zip.GetEntry("README.md");
            Assert.NotNull(readme);
            using (var reader = new StreamReader(readme.Open()))
            {
                Assert.StartsWith("# Prefect.Agent.Fargate.Testing", await reader.ReadToEndAsync(), StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal);
        var to = text.IndexOf(end, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, "README example markers not found");
        return text.Replace("\r", string.Empty, StringComparison.Ordinal)[(from + start.Length)..to];
    }

    [GeneratedRegex("```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ReadmeCSharpBlock();
}
