using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Deployment;

namespace Prefect.Agent.Fargate.Tests.Deployment;

public class FlowImageTests
{
    private static readonly JsonObject S3Storage = new() { ["type"] = "S3", ["bucket"] = "b" };

    [Theory]
    [InlineData("", "name", "tag", "name:tag")]
    [InlineData(null, "name", "tag", "name:tag")]
    [InlineData("test", "name", "tag", "test/name:tag")]
    [InlineData("reg.io/x", "img", "t1", "reg.io/x/img:t1")]
    [InlineData("reg.io/x/", "img", "t1", "reg.io/x/img:t1")]
    [InlineData("reg.io//x/./", "img", "t1", "reg.io/x/img:t1")]
    [InlineData("reg.io", "/abs/img", "t", "/abs/img:t")]
    [InlineData("123.dkr.ecr.us-east-1.amazonaws.com:443", "flows/etl", "2021-07-01", "123.dkr.ecr.us-east-1.amazonaws.com:443/flows/etl:2021-07-01")]
    public void Resolve_DockerStorage_UsesPurePosixPathJoin(string? registry, string name, string tag, string expected)
        => Assert.Equal(expected, FlowImage.Resolve(TestRuns.Run(storage: TestRuns.Docker(registry, name, tag))));

    [Fact]
    public void Resolve_RunConfigMode_DockerStorageBeatsRunConfigImage()
        => Assert.Equal("name:tag", FlowImage.Resolve(TestRuns.Run(storage: TestRuns.Docker(null, "name", "tag"), runConfig: new JsonObject { ["type"] = "ECSRun", ["image"] = "rc:1" })));

    [Fact]
    public void Resolve_RunConfigMode_RunConfigImage()
        => Assert.Equal("rc:1", FlowImage.Resolve(TestRuns.Run(storage: S3Storage, runConfig: new JsonObject { ["type"] = "ECSRun", ["image"] = "rc:1" })));

    [Theory]
    [InlineData("0.15.0", "prefecthq/prefect:0.15.0")]
    [InlineData("0.14.22+134.g1a2b3c", "prefecthq/prefect:0.14.22")]
    [InlineData(null, "prefecthq/prefect:latest")]
    [InlineData("", "prefecthq/prefect:latest")]
    public void Resolve_RunConfigMode_DefaultPrefectImage(string? core, string expected)
        => Assert.Equal(expected, FlowImage.Resolve(TestRuns.Run(storage: S3Storage, runConfig: new JsonObject { ["type"] = "UniversalRun" }, coreVersion: core)));

    [Fact]
    public void Resolve_NoRunConfigNoEnvironment_IsRunConfigMode()
        => Assert.Equal("prefecthq/prefect:0.15.0", FlowImage.Resolve(TestRuns.Run(storage: S3Storage)));

    [Fact]
    public void Resolve_EnvironmentMode_MetadataImageBeatsDockerStorage()
    {
        var environment = new JsonObject { ["type"] = "LocalEnvironment", ["metadata"] = new JsonObject { ["image"] = "meta:1" } };
        Assert.Equal("meta:1", FlowImage.Resolve(TestRuns.Run(storage: TestRuns.Docker(null, "name", "tag"), environment: environment)));
    }

    [Fact]
    public void Resolve_EnvironmentMode_DockerStorageWhenNoMetadataImage()
    {
        var environment = new JsonObject { ["type"] = "LocalEnvironment", ["metadata"] = new JsonObject() };
        Assert.Equal("r/name:tag", FlowImage.Resolve(TestRuns.Run(storage: TestRuns.Docker("r", "name", "tag"), environment: environment)));
    }

    [Fact]
    public void Resolve_EnvironmentMode_NoImage_ThrowsOriginalText()
    {
        var environment = new JsonObject { ["type"] = "LocalEnvironment", ["metadata"] = new JsonObject() };
        var ex = Assert.Throws<DeploymentPlanException>(() => FlowImage.Resolve(TestRuns.Run(storage: S3Storage, environment: environment)));
        Assert.Equal(
            $"Storage for flow run {TestRuns.RunId} is not of type Docker and environment has no `image` attribute in the metadata field.",
            ex.Message);
    }

    [Fact]
    public void Resolve_EnvironmentModeWithRunConfig_IsRunConfigMode()
    {
        var environment = new JsonObject { ["metadata"] = new JsonObject { ["image"] = "meta:1" } };
        var run = TestRuns.Run(storage: TestRuns.Docker(null, "name", "tag"), environment: environment, runConfig: new JsonObject { ["image"] = "rc" });
        Assert.Equal("name:tag", FlowImage.Resolve(run));
    }

    [Theory]
    [InlineData(null, "tag")]
    [InlineData("name", "")]
    public void Resolve_DockerStorageMissingNameOrTag_Throws(string? name, string? tag)
    {
        var ex = Assert.Throws<DeploymentPlanException>(() => FlowImage.Resolve(TestRuns.Run(storage: TestRuns.Docker(null, name, tag))));
        Assert.Contains("image_name and image_tag", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.10.0", "prefect execute cloud-flow")]
    [InlineData("0.6.0+134", "prefect execute cloud-flow")]
    [InlineData("0.13.0", "prefect execute flow-run")]
    [InlineData("0.13.1+134", "prefect execute flow-run")]
    [InlineData("0.15.0", "prefect execute flow-run")]
    [InlineData("0.13.0rc1", "prefect execute flow-run")]
    [InlineData(null, "prefect execute cloud-flow")]
    [InlineData("", "prefect execute cloud-flow")]
    public void Command_ByCoreVersion(string? core, string expected)
        => Assert.Equal(expected, FlowImage.Command(core));
}
