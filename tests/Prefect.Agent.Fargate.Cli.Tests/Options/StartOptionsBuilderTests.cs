using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Cli.Options;

namespace Prefect.Agent.Fargate.Cli.Tests.Options;

public class StartOptionsBuilderTests
{
    [Fact]
    public void Build_NoArguments_LeavesEverythingForTheEnvironmentFallbacks()
    {
        var options = StartOptionsBuilder.Build(new StartArguments());

        Assert.Null(options.ApiKey);
        Assert.Null(options.TenantId);
        Assert.Null(options.ApiUrl);
        Assert.Null(options.AgentToken);
        Assert.Null(options.AgentConfigId);
        Assert.Null(options.Name);
        Assert.Empty(options.Labels);
        Assert.Empty(options.EnvVars);
        Assert.Null(options.MaxPolls);
        Assert.Null(options.AgentAddress);
        Assert.Null(options.NoCloudLogs);
        Assert.Equal("FARGATE", options.LaunchType);
        Assert.Null(options.AwsAccessKeyId);
        Assert.Null(options.RegionName);
        Assert.False(options.EnableTaskRevisions);
        Assert.False(options.UseExternalKwargs);
        Assert.Empty(options.Kwargs);
    }

    [Fact]
    public void Build_EveryFlag_MapsToItsOption()
    {
        var options = StartOptionsBuilder.Build(new StartArguments
        {
            Key = "pcu_key",
            TenantId = "tenant-1",
            Api = "https://api.example.com/graphql",
            AgentConfigId = "cfg-1",
            Name = "fargate-1",
            Labels = ["aws"],
            Env = ["A=1"],
            MaxPolls = 3,
            AgentAddress = "http://127.0.0.1:8080",
            NoCloudLogs = true,
            LogLevel = "debug",
            Token = "runner-token",
        });

        Assert.Equal("pcu_key", options.ApiKey);
        Assert.Equal("tenant-1", options.TenantId);
        Assert.Equal(new Uri("https://api.example.com/graphql"), options.ApiUrl);
        Assert.Equal("cfg-1", options.AgentConfigId);
        Assert.Equal("fargate-1", options.Name);
        Assert.Equal(["aws"], options.Labels);
        Assert.Equal("1", options.EnvVars["A"]);
        Assert.Equal(3, options.MaxPolls);
        Assert.Equal("http://127.0.0.1:8080", options.AgentAddress);
        Assert.True(options.NoCloudLogs);
        Assert.Equal("runner-token", options.AgentToken);
    }

    [Theory]
    [InlineData("server", PrefectBackend.Server)]
    [InlineData("Cloud", PrefectBackend.Cloud)]
    [InlineData(" SERVER ", PrefectBackend.Server)]
    public void Build_Backend_SetsIt(string value, PrefectBackend expected) =>
        Assert.Equal(expected, StartOptionsBuilder.Build(new StartArguments { Backend = value }).Backend);

    [Fact]
    public void Build_UnknownBackend_IsAUsageErrorNamingTheChoices()
    {
        var ex = Assert.Throws<UsageException>(() => StartOptionsBuilder.Build(new StartArguments { Backend = "hasura" }));

        Assert.Contains("--backend: 'hasura' is neither server nor cloud; give --backend server for Prefect Server, --backend cloud for Prefect Cloud.", ex.Errors);
    }

    [Fact]
    public void Build_RepeatedLabels_AreDeduplicatedAndSortedOrdinally()
    {
        var options = StartOptionsBuilder.Build(new StartArguments { Labels = ["b", "a", "a", "B", "staging"] });

        Assert.Equal(["B", "a", "b", "staging"], options.Labels);
    }

    [Fact]
    public void Build_EnvItems_SplitOnTheFirstEqualsSign()
    {
        var options = StartOptionsBuilder.Build(new StartArguments { Env = ["X=1=2", "EMPTY=", "X2=a b"] });

        Assert.Equal("1=2", options.EnvVars["X"]);
        Assert.Equal(string.Empty, options.EnvVars["EMPTY"]);
        Assert.Equal("a b", options.EnvVars["X2"]);
    }

    [Fact]
    public void Build_RepeatedEnvKey_LastValueWins()
    {
        var options = StartOptionsBuilder.Build(new StartArguments { Env = ["X=1", "X=2"] });

        Assert.Equal("2", Assert.Single(options.EnvVars).Value);
    }

    [Fact]
    public void Build_EnvItemWithoutEquals_IsAUsageErrorNamingIt()
    {
        var ex = Assert.Throws<UsageException>(() => StartOptionsBuilder.Build(new StartArguments { Env = ["DEBUG_MODE"] }));

        Assert.Contains("--env", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'DEBUG_MODE'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("KEY=VALUE", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_EnvItemWithoutName_IsAUsageError()
    {
        var ex = Assert.Throws<UsageException>(() => StartOptionsBuilder.Build(new StartArguments { Env = ["=x"] }));

        Assert.Contains("'=x'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cpu=256")]
    [InlineData("--cpu=256")]
    public void Build_TrailingItemOfEitherForm_GoesToKwargsAsString(string item)
    {
        var options = StartOptionsBuilder.Build(new StartArguments { Trailing = [item] });

        var value = Assert.Single(options.Kwargs);
        Assert.Equal("cpu", value.Key);
        Assert.Equal("256", value.Value!.GetValue<string>());
    }

    [Fact]
    public void Build_PythonLiteralKwarg_IsKeptAsTheRawStringForThePipeline()
    {
        const string literal = "{'awsvpcConfiguration': {'subnets': ['subnet-1'], 'assignPublicIp': 'ENABLED'}}";

        var options = StartOptionsBuilder.Build(new StartArguments { Trailing = ["networkConfiguration=" + literal] });

        var node = options.Kwargs["networkConfiguration"];
        Assert.Equal(System.Text.Json.JsonValueKind.String, node!.GetValueKind());
        Assert.Equal(literal, node.GetValue<string>());
    }

    [Fact]
    public void Build_TrailingValue_SplitsOnTheFirstEqualsSignOnly()
    {
        var options = StartOptionsBuilder.Build(new StartArguments { Trailing = ["taskRoleArn=arn:aws:iam::1:role/a=b"] });

        Assert.Equal("arn:aws:iam::1:role/a=b", options.Kwargs["taskRoleArn"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("subnet=a--b", "subnet", "a--b")]
    [InlineData("--subnet=a--b", "subnet", "a--b")]
    [InlineData("--group=--x", "group", "--x")]
    public void Build_DoubleDash_IsStrippedOnlyWhenLeading(string item, string key, string value)
    {
        var options = StartOptionsBuilder.Build(new StartArguments { Trailing = [item] });

        Assert.Equal(value, options.Kwargs[key]!.GetValue<string>());
    }

    [Fact]
    public void Build_LaterTrailingItem_OverridesEarlier()
    {
        var options = StartOptionsBuilder.Build(new StartArguments { Trailing = ["cpu=256", "--cpu=512"] });

        Assert.Equal("512", options.Kwargs["cpu"]!.GetValue<string>());
    }

    [Fact]
    public void Build_ConstructorArgumentItems_SetTheirOptions()
    {
        var options = StartOptionsBuilder.Build(new StartArguments
        {
            Trailing =
            [
                "launch_type=EC2", "region_name=eu-west-1", "aws_access_key_id=AKIAEXAMPLE", "aws_secret_access_key=secret",
                "aws_session_token=session", "external_kwargs_s3_bucket=bucket", "external_kwargs_s3_key=prefix/dir",
                "agent_config_id=cfg", "agent_address=http://0.0.0.0:8080", "max_polls=7",
            ],
        });

        Assert.Equal("EC2", options.LaunchType);
        Assert.Equal("eu-west-1", options.RegionName);
        Assert.Equal("AKIAEXAMPLE", options.AwsAccessKeyId);
        Assert.Equal("secret", options.AwsSecretAccessKey);
        Assert.Equal("session", options.AwsSessionToken);
        Assert.Equal("bucket", options.ExternalKwargsS3Bucket);
        Assert.Equal("prefix/dir", options.ExternalKwargsS3Key);
        Assert.Equal("cfg", options.AgentConfigId);
        Assert.Equal("http://0.0.0.0:8080", options.AgentAddress);
        Assert.Equal(7, options.MaxPolls);
        Assert.Empty(options.Kwargs);
    }

    [Fact]
    public void Build_EmptyLaunchType_IsKeptEmptySoNeitherKeyIsSent()
    {
        var options = StartOptionsBuilder.Build(new StartArguments { Trailing = ["launch_type="] });

        Assert.Equal(string.Empty, options.LaunchType);
    }

    [Fact]
    public void Build_TrailingItem_OverridesTheFlagOfTheSameName()
    {
        var options = StartOptionsBuilder.Build(new StartArguments
        {
            Name = "from-flag",
            AgentConfigId = "flag-cfg",
            MaxPolls = 1,
            Trailing = ["name=from-item", "agent_config_id=item-cfg", "--max_polls=2"],
        });

        Assert.Equal("from-item", options.Name);
        Assert.Equal("item-cfg", options.AgentConfigId);
        Assert.Equal(2, options.MaxPolls);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("True", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("FALSE", false)]
    [InlineData("0", false)]
    public void Build_BooleanArguments_AcceptTrueFalseOneZero(string text, bool expected)
    {
        var options = StartOptionsBuilder.Build(new StartArguments
        {
            Trailing = ["enable_task_revisions=" + text, "use_external_kwargs=" + text, "no_cloud_logs=" + text],
        });

        Assert.Equal(expected, options.EnableTaskRevisions);
        Assert.Equal(expected, options.UseExternalKwargs);
        Assert.Equal(expected, options.NoCloudLogs);
    }

    [Fact]
    public void Build_DotNetOnlyItems_SetConcurrencyAndRateLimits()
    {
        var options = StartOptionsBuilder.Build(new StartArguments { Trailing = ["max_concurrent_deployments=64", "--ecs_rate_limits=false", "list_task_definition_families=FALSE"] });

        Assert.Equal(64, options.MaxConcurrentDeployments);
        Assert.False(options.EcsRateLimits.Enabled);
        Assert.False(options.ListTaskDefinitionFamilies);
        Assert.Empty(options.Kwargs);
    }

    [Fact]
    public void Build_RateItems_SetShareHeadroomAndEachBucket()
    {
        var options = StartOptionsBuilder.Build(new StartArguments
        {
            Trailing =
            [
                "ecs_rate_share=0.5", "ecs_rate_headroom=0.25", "ecs_rate_cluster_modify=200:80", "ecs_rate_task_definition_modify=40:2",
                "ecs_rate_describe_and_list=100:40", "ecs_rate_fargate_launch=500:100", "ecs_rate_fargate_run_task=50:50",
            ],
        });

        var limits = options.EcsRateLimits;
        Assert.Equal(0.5, limits.AccountShare);
        Assert.Equal(TimeSpan.FromMilliseconds(250), limits.Headroom);
        Assert.Equal((200, 80.0), (limits.ClusterModify.Burst, limits.ClusterModify.RatePerSecond));
        Assert.Equal((40, 2.0), (limits.TaskDefinitionModify.Burst, limits.TaskDefinitionModify.RatePerSecond));
        Assert.Equal((100, 40.0), (limits.DescribeAndList.Burst, limits.DescribeAndList.RatePerSecond));
        Assert.Equal((500, 100.0), (limits.FargateLaunch.Burst, limits.FargateLaunch.RatePerSecond));
        Assert.Equal((50, 50.0), (limits.FargateRunTask.Burst, limits.FargateRunTask.RatePerSecond));
    }

    [Theory]
    [InlineData("ecs_rate_share=1/3", 1.0 / 3)]
    [InlineData("ecs_rate_share=2/4", 0.5)]
    [InlineData("ecs_rate_share=0.25", 0.25)]
    public void Build_RateShare_AcceptsANumberOrAFraction(string item, double share)
    {
        var options = StartOptionsBuilder.Build(new StartArguments { Trailing = [item] });

        Assert.Equal(share, options.EcsRateLimits.AccountShare, 12);
    }

    [Fact]
    public void Build_RateSlowStart_IsOnByDefault_AndTurnsOff()
    {
        Assert.True(StartOptionsBuilder.Build(new StartArguments()).EcsRateLimits.SlowStart);
        Assert.False(StartOptionsBuilder.Build(new StartArguments { Trailing = ["ecs_rate_slow_start=false"] }).EcsRateLimits.SlowStart);
    }

    [Fact]
    public void Build_TaskWatchAndReconcileItems_SetDurations()
    {
        var options = StartOptionsBuilder.Build(new StartArguments { Trailing = ["task_watch_interval=2.5", "task_watch_timeout=60", "reconcile_after=3", "reconcile_interval=0"] });

        Assert.Equal(TimeSpan.FromSeconds(2.5), options.TaskWatchInterval);
        Assert.Equal(TimeSpan.FromSeconds(60), options.TaskWatchTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), options.ReconcileAfter);
        Assert.Equal(TimeSpan.Zero, options.ReconcileInterval);
        Assert.Empty(options.Kwargs);
    }

    [Theory]
    [InlineData("ecs_rate_share=0", "ecs_rate_share: '0'")]
    [InlineData("ecs_rate_share=1.5", "ecs_rate_share: '1.5'")]
    [InlineData("ecs_rate_share=4/3", "ecs_rate_share: '4/3'")]
    [InlineData("ecs_rate_share=1/0", "ecs_rate_share: '1/0'")]
    [InlineData("ecs_rate_share=1/x", "ecs_rate_share: '1/x'")]
    [InlineData("ecs_rate_slow_start=maybe", "ecs_rate_slow_start")]
    [InlineData("ecs_rate_headroom=-1", "ecs_rate_headroom: '-1'")]
    [InlineData("ecs_rate_headroom=11", "ecs_rate_headroom: '11'")]
    [InlineData("ecs_rate_fargate_run_task=20", "ecs_rate_fargate_run_task: '20' is not BURST:RATE")]
    [InlineData("ecs_rate_cluster_modify=0:40", "ecs_rate_cluster_modify: '0:40'")]
    [InlineData("ecs_rate_describe_and_list=50:0", "ecs_rate_describe_and_list: '50:0'")]
    [InlineData("task_watch_interval=-1", "task_watch_interval: '-1'")]
    [InlineData("task_watch_timeout=0", "task_watch_timeout: '0'")]
    [InlineData("reconcile_after=soon", "reconcile_after: 'soon'")]
    [InlineData("reconcile_interval=NaN", "reconcile_interval: 'NaN'")]
    [InlineData("max_concurrent_deployments=0", "max_concurrent_deployments: '0'")]
    [InlineData("max_concurrent_deployments=many", "max_concurrent_deployments: 'many'")]
    [InlineData("ecs_rate_limits=off", "ecs_rate_limits: 'off'")]
    [InlineData("list_task_definition_families=no", "list_task_definition_families: 'no'")]
    public void Build_BadDotNetOnlyItem_IsAUsageErrorNamingIt(string item, string expected)
    {
        var ex = Assert.Throws<UsageException>(() => StartOptionsBuilder.Build(new StartArguments { Trailing = [item] }));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("enable_task_revisions", "yes")]
    [InlineData("use_external_kwargs", "")]
    [InlineData("no_cloud_logs", "2")]
    public void Build_BadBoolean_IsAUsageErrorNamingArgumentAndAcceptedValues(string key, string value)
    {
        var ex = Assert.Throws<UsageException>(() => StartOptionsBuilder.Build(new StartArguments { Trailing = [key + "=" + value] }));

        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("true, false, 1 or 0", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("256")]
    [InlineData("networkConfiguration")]
    public void Build_ItemWithoutEquals_IsAUsageErrorNamingIt(string item)
    {
        var ex = Assert.Throws<UsageException>(() => StartOptionsBuilder.Build(new StartArguments { Trailing = [item] }));

        Assert.Contains($"'{item}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("key=value", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--cpu")]
    [InlineData("-x")]
    public void Build_UnknownFlagWithoutEquals_IsAUsageErrorNamingIt(string item)
    {
        var ex = Assert.Throws<UsageException>(() => StartOptionsBuilder.Build(new StartArguments { Trailing = [item] }));

        Assert.StartsWith($"Unknown option '{item}'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("=256")]
    [InlineData("--=256")]
    [InlineData("-x=1")]
    public void Build_ItemWithoutKey_IsAUsageError(string item)
    {
        var ex = Assert.Throws<UsageException>(() => StartOptionsBuilder.Build(new StartArguments { Trailing = [item] }));

        Assert.Contains($"'{item}'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("labels=['a']", "--label/-l")]
    [InlineData("env_vars={'A': '1'}", "--env/-e")]
    [InlineData("key=abc", "--key/-k")]
    [InlineData("token=abc", "--token/-t")]
    [InlineData("api=http://x", "--api/-a")]
    [InlineData("tenant_id=t", "--tenant-id")]
    [InlineData("log_level=DEBUG", "--log-level")]
    public void Build_FlagOnlyArgumentAsItem_IsAUsageErrorPointingAtTheFlag(string item, string flag)
    {
        var ex = Assert.Throws<UsageException>(() => StartOptionsBuilder.Build(new StartArguments { Trailing = [item] }));

        Assert.Contains("use " + flag, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ConstructorArgumentWithHyphens_IsAUsageErrorSuggestingSnakeCase()
    {
        var ex = Assert.Throws<UsageException>(() => StartOptionsBuilder.Build(new StartArguments { Trailing = ["--launch-type=EC2"] }));

        Assert.Contains("'launch_type=EC2'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_MaxPollsItemNotANumber_IsAUsageError()
    {
        var ex = Assert.Throws<UsageException>(() => StartOptionsBuilder.Build(new StartArguments { Trailing = ["max_polls=ten"] }));

        Assert.Contains("max_polls: 'ten'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NegativeMaxPolls_IsAUsageError()
    {
        var ex = Assert.Throws<UsageException>(() => StartOptionsBuilder.Build(new StartArguments { MaxPolls = -1 }));

        Assert.Contains("--max-polls", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ZeroMaxPolls_IsAllowed()
    {
        Assert.Equal(0, StartOptionsBuilder.Build(new StartArguments { MaxPolls = 0 }).MaxPolls);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://example.com")]
    [InlineData("/relative")]
    public void Build_BadApiUrl_IsAUsageErrorNamingTheFlag(string api)
    {
        var ex = Assert.Throws<UsageException>(() => StartOptionsBuilder.Build(new StartArguments { Api = api }));

        Assert.Contains("--api", ex.Message, StringComparison.Ordinal);
        Assert.Contains(api, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("debug")]
    [InlineData("Info")]
    [InlineData("WARNING")]
    [InlineData("error")]
    public void Build_LogLevelOfAnyCase_IsAccepted(string level)
    {
        StartOptionsBuilder.Build(new StartArguments { LogLevel = level });
    }

    [Fact]
    public void Build_UnknownLogLevel_IsAUsageErrorListingTheLevels()
    {
        var ex = Assert.Throws<UsageException>(() => StartOptionsBuilder.Build(new StartArguments { LogLevel = "verbose" }));

        Assert.Contains("--log-level: 'verbose' is not one of DEBUG, INFO, WARNING, ERROR", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SeveralProblems_ListsEveryOne()
    {
        var ex = Assert.Throws<UsageException>(() => StartOptionsBuilder.Build(new StartArguments
        {
            Env = ["NOEQUALS"],
            LogLevel = "loud",
            Trailing = ["enable_task_revisions=maybe", "256"],
        }));

        Assert.Equal(4, ex.Errors.Count);
    }

    [Fact]
    public void Build_EmptyStringFlags_AreTreatedAsAbsent()
    {
        var options = StartOptionsBuilder.Build(new StartArguments { Key = string.Empty, Name = string.Empty, Api = string.Empty });

        Assert.Null(options.ApiKey);
        Assert.Null(options.Name);
        Assert.Null(options.ApiUrl);
    }

    [Fact]
    public void Build_ItemsWithJsonValues_StayStringsUntilTheKwargsPipeline()
    {
        var options = StartOptionsBuilder.Build(new StartArguments
        {
            Trailing = ["tags=[{\"key\": \"team\", \"value\": \"data\"}]", "cluster=123", "platformVersion=1.4.0"],
        });

        Assert.All(options.Kwargs.Values, v => Assert.IsAssignableFrom<JsonValue>(v));
        Assert.Equal("123", options.Kwargs["cluster"]!.GetValue<string>());
        Assert.Equal("1.4.0", options.Kwargs["platformVersion"]!.GetValue<string>());
    }

    // Expected to pass after merge: BotocoreConfig.Parse is implemented by the kwargs/foundation work.
    [Theory]
    [InlineData("{\"retries\": {\"max_attempts\": 10, \"mode\": \"adaptive\"}, \"connect_timeout\": 5}")]
    [InlineData("{'retries': {'max_attempts': 10, 'mode': 'adaptive'}, 'connect_timeout': 5}")]
    public void Build_BotocoreConfig_AcceptsJsonOrPythonLiteralDictionary(string text)
    {
        var options = StartOptionsBuilder.Build(new StartArguments { Trailing = ["botocore_config=" + text] });

        // botocore's max_attempts counts retries after the first call; MaxAttempts counts every attempt.
        Assert.Equal(11, options.BotocoreConfig.MaxAttempts);
        Assert.Equal(AwsRetryMode.Adaptive, options.BotocoreConfig.RetryMode);
        Assert.Equal(TimeSpan.FromSeconds(5), options.BotocoreConfig.ConnectTimeout);
        Assert.Empty(options.Kwargs);
    }

    // Expected to pass after merge: BotocoreConfig.Parse is implemented by the kwargs/foundation work.
    [Fact]
    public void Build_BotocoreConfigNotADictionary_IsAUsageErrorNamingIt()
    {
        var ex = Assert.Throws<UsageException>(() => StartOptionsBuilder.Build(new StartArguments { Trailing = ["botocore_config=[1, 2]"] }));

        Assert.StartsWith("botocore_config", ex.Errors[0], StringComparison.Ordinal);
        Assert.Single(ex.Errors);
    }
}
