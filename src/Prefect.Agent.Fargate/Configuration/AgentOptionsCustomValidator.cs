using Microsoft.Extensions.Options;
using static Prefect.Agent.Fargate.OptionValueFormatter;

namespace Prefect.Agent.Fargate.Configuration;

/// <summary>
/// Rules the attributes cannot express: lists, cross-field rules, URLs and the nested AWS settings. Every message
/// names the option, the bad value (never a secret) and the fix.
/// </summary>
internal sealed class AgentOptionsCustomValidator : IValidateOptions<AgentOptions>
{
    private static readonly string[] LaunchTypes = ["FARGATE", "EC2", "EXTERNAL"];

    // A transit-time margin beyond seconds is a unit mistake (a bare "100" binds as 100 days), not a margin.
    private static readonly TimeSpan MaxHeadroom = TimeSpan.FromSeconds(10);

    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        ValidatePolling(options, builder);
        if (options.TaskWatchInterval > TimeSpan.Zero && options.TaskWatchTimeout > TimeSpan.Zero && options.TaskWatchTimeout < options.TaskWatchInterval)
        {
            builder.AddError(Message("TaskWatchTimeout", options.TaskWatchTimeout, $"must not be shorter than TaskWatchInterval ({options.TaskWatchInterval})", "Use a timeout of several intervals, such as 00:15:00, or set TaskWatchInterval to 00:00:00 to turn the watch off."));
        }


        if (!string.IsNullOrEmpty(options.AgentAddress) && !AgentAddress.TryParse(options.AgentAddress, out _, out var error))
        {
            builder.AddError(error!);
        }

        if (options.UseExternalKwargs && string.IsNullOrEmpty(options.ExternalKwargsS3Bucket))
        {
            builder.AddError(Message("ExternalKwargsS3Bucket", options.ExternalKwargsS3Bucket, "must be set when UseExternalKwargs is true", "Set it to the bucket holding the per-flow kwargs, or set UseExternalKwargs to false."));
        }

        if (options.ApiUrl is { } api && (!api.IsAbsoluteUri || (api.Scheme != Uri.UriSchemeHttp && api.Scheme != Uri.UriSchemeHttps)))
        {
            builder.AddError(Message("ApiUrl", api.OriginalString, "must be an absolute http or https URL", "Use e.g. http://localhost:4200 (server) or https://api.prefect.io (cloud)."));
        }

        if (!string.IsNullOrEmpty(options.LaunchType) && !LaunchTypes.Contains(options.LaunchType, StringComparer.Ordinal))
        {
            builder.AddError(Message("LaunchType", options.LaunchType, "must be one of FARGATE, EC2 or EXTERNAL (upper case, as ECS spells them)", "Use FARGATE, EC2 or EXTERNAL, or null to send no launch type."));
        }

        if (options.Backend is { } backend && !Enum.IsDefined(backend))
        {
            builder.AddError(Message("Backend", (int)backend, "must be Server or Cloud", "Use PrefectBackend.Server or PrefectBackend.Cloud."));
        }

        if (!Enum.IsDefined(options.OnFatalError))
        {
            builder.AddError(Message("OnFatalError", (int)options.OnFatalError, "must be StopHost or Ignore", "Use FatalErrorBehavior.StopHost (the default) or FatalErrorBehavior.Ignore."));
        }

        // Secrets are never echoed: only which one is missing.
        if (!string.IsNullOrEmpty(options.AwsAccessKeyId) && string.IsNullOrEmpty(options.AwsSecretAccessKey))
        {
            builder.AddError("AwsSecretAccessKey must be set when AwsAccessKeyId is set, but was not. Set both (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or neither to use the default credential chain.");
        }

        if (string.IsNullOrEmpty(options.AwsAccessKeyId) && !string.IsNullOrEmpty(options.AwsSecretAccessKey))
        {
            builder.AddError("AwsAccessKeyId must be set when AwsSecretAccessKey is set, but was not. Set both (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or neither to use the default credential chain.");
        }

        ValidateBotocore(options.BotocoreConfig, builder);
        ValidateRateLimits(options.EcsRateLimits, builder);
        return builder.Build();
    }

    private static void ValidatePolling(AgentOptions options, ValidateOptionsResultBuilder builder)
    {
        if (options.PollIntervals is null || options.PollIntervals.Count == 0)
        {
            builder.AddError(Message("PollIntervals", "[]", "must hold at least one interval", "Leave the default (0.25 s up to 10 s) or give e.g. [\"00:00:01\", \"00:00:10\"]."));
            return;
        }

        for (var i = 0; i < options.PollIntervals.Count; i++)
        {
            if (options.PollIntervals[i] <= TimeSpan.Zero)
            {
                builder.AddError(Message($"PollIntervals[{i}]", options.PollIntervals[i], "must be greater than zero", "Use positive durations such as 00:00:00.25."));
            }
        }
    }

    private static void ValidateBotocore(BotocoreConfig? config, ValidateOptionsResultBuilder builder)
    {
        if (config is null)
        {
            builder.AddError("BotocoreConfig must not be null, but was null. Leave the default or set a BotocoreConfig.");
            return;
        }

        if (config.MaxAttempts < 1)
        {
            builder.AddError(Message("BotocoreConfig.MaxAttempts", config.MaxAttempts, "must be at least 1 (the first attempt included)", "Use e.g. 3 (standard) or 10."));
        }

        if (!Enum.IsDefined(config.RetryMode))
        {
            builder.AddError(Message("BotocoreConfig.RetryMode", (int)config.RetryMode, "must be Legacy, Standard or Adaptive", "Use AwsRetryMode.Standard."));
        }

        if (config.ConnectTimeout <= TimeSpan.Zero)
        {
            builder.AddError(Message("BotocoreConfig.ConnectTimeout", config.ConnectTimeout, "must be greater than zero", "Use e.g. 00:01:00 (botocore's default)."));
        }

        if (config.ReadTimeout <= TimeSpan.Zero)
        {
            builder.AddError(Message("BotocoreConfig.ReadTimeout", config.ReadTimeout, "must be greater than zero", "Use e.g. 00:01:00 (botocore's default)."));
        }

        if (config.MaxPoolConnections < 1)
        {
            builder.AddError(Message("BotocoreConfig.MaxPoolConnections", config.MaxPoolConnections, "must be at least 1", "Use e.g. 10 (botocore's default)."));
        }
    }

    private static void ValidateRateLimits(EcsRateLimitOptions? limits, ValidateOptionsResultBuilder builder)
    {
        if (limits is null)
        {
            builder.AddError("EcsRateLimits must not be null, but was null. Leave the default or set an EcsRateLimitOptions.");
            return;
        }

        if (!limits.Enabled)
        {
            return;
        }

        if (limits.Headroom < TimeSpan.Zero || limits.Headroom > MaxHeadroom)
        {
            builder.AddError(Message("EcsRateLimits.Headroom", limits.Headroom, "must be between zero and 10 seconds", "Use e.g. 00:00:00.1 (100 ms, the default), or 00:00:00 to turn it off."));
        }

        Bucket("ClusterModify", limits.ClusterModify);
        Bucket("TaskDefinitionModify", limits.TaskDefinitionModify);
        Bucket("DescribeAndList", limits.DescribeAndList);
        Bucket("FargateLaunch", limits.FargateLaunch);
        Bucket("FargateRunTask", limits.FargateRunTask);
        if (!(limits.AccountShare > 0 && limits.AccountShare <= 1))
        {
            builder.AddError(Message("EcsRateLimits.AccountShare", limits.AccountShare, "must be greater than 0 and at most 1", "Use e.g. 0.5 for two agents on one account, or 1 (the default)."));
        }

        void Bucket(string bucketName, TokenBucketOptions? bucket)
        {
            var option = "EcsRateLimits." + bucketName;
            if (bucket is null)
            {
                builder.AddError($"{option} must not be null, but was null. Leave the default or set a TokenBucketOptions.");
                return;
            }

            if (bucket.Burst < 1)
            {
                builder.AddError(Message(option + ".Burst", bucket.Burst, "must be at least 1", "Use the AWS quota of your account, e.g. 20."));
            }

            if (!(bucket.RatePerSecond > 0))
            {
                builder.AddError(Message(option + ".RatePerSecond", bucket.RatePerSecond, "must be greater than zero", "Use the AWS quota of your account, or set EcsRateLimits.Enabled to false."));
            }
        }
    }
}
