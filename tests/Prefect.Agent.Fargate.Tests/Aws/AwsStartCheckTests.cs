using Prefect.Agent.Fargate.Aws;

namespace Prefect.Agent.Fargate.Tests.Aws;

public sealed class AwsStartCheckTests
{
    private static IReadOnlyList<string> Check(AgentOptions options, Dictionary<string, string> environment, bool profile = false, bool ec2 = false) =>
        AwsStartCheck.Check(options, key => environment.GetValueOrDefault(key), _ => profile, () => ec2);

    private static Dictionary<string, string> Region(params (string Key, string Value)[] more)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["AWS_REGION"] = "eu-west-1" };
        foreach (var (key, value) in more)
        {
            environment[key] = value;
        }

        return environment;
    }

    [Fact]
    public void Check_NothingAnywhere_NamesEverySourceTriedForBoth()
    {
        var failures = Check(new AgentOptions(), new Dictionary<string, string> { ["AWS_EC2_METADATA_DISABLED"] = "true" });

        Assert.Equal(2, failures.Count);
        Assert.StartsWith("No AWS region is configured: set AgentOptions.RegionName", failures[0], StringComparison.Ordinal);
        Assert.StartsWith("No AWS credentials were found. Tried: AgentOptions.AwsAccessKeyId", failures[1], StringComparison.Ordinal);
        foreach (var source in new[] { "AWS_ACCESS_KEY_ID", "the profile 'default'", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "disabled by AWS_EC2_METADATA_DISABLED" })
        {
            Assert.Contains(source, failures[1], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Check_NotAnEc2Instance_SaysSo() =>
        Assert.Contains("this machine is not an EC2 instance", Assert.Single(Check(new AgentOptions(), Region())), StringComparison.Ordinal);

    [Fact]
    public void Check_ANamedProfileThatDoesNotExist_IsTheOneNamed() =>
        Assert.Contains("the profile 'staging'", Assert.Single(Check(new AgentOptions(), Region(("AWS_PROFILE", "staging")))), StringComparison.Ordinal);

    [Theory]
    [InlineData("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")]
    [InlineData("AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN")]
    [InlineData("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", null)]
    [InlineData("AWS_CONTAINER_CREDENTIALS_FULL_URI", null)]
    public void Check_ACredentialSourceInTheEnvironment_Passes(string variable, string? second)
    {
        var environment = Region((variable, "x"));
        if (second is not null)
        {
            environment[second] = "y";
        }

        Assert.Empty(Check(new AgentOptions(), environment));
    }

    [Fact]
    public void Check_HalfAPair_IsNotACredential()
    {
        Assert.Single(Check(new AgentOptions(), Region(("AWS_ACCESS_KEY_ID", "AKIA"))));
        Assert.Single(Check(new AgentOptions(), Region(("AWS_WEB_IDENTITY_TOKEN_FILE", "/token"))));
    }

    [Fact]
    public void Check_KeysInTheOptions_Pass() =>
        Assert.Empty(Check(new AgentOptions { AwsAccessKeyId = "AKIA", AwsSecretAccessKey = "s", RegionName = "us-east-1" }, []));

    [Fact]
    public void Check_AProfile_Passes() => Assert.Empty(Check(new AgentOptions(), Region(), profile: true));

    [Fact]
    public void Check_AnEc2Instance_PassesUnlessMetadataIsDisabled()
    {
        Assert.Empty(Check(new AgentOptions(), Region(), ec2: true));
        Assert.Single(Check(new AgentOptions(), Region(("AWS_EC2_METADATA_DISABLED", "true")), ec2: true));
    }
}
