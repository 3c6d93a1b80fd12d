using System.Text.RegularExpressions;

namespace Prefect.Agent.Fargate.Cli.Options;

/// <summary>
/// Rewrites the library's validation messages, which name <see cref="AgentOptions"/> properties (<c>AgentAddress</c>,
/// <c>AgentOptions.AgentAddress</c>), to name what the user typed on the command line (<c>--agent-address</c> or
/// <c>agent_address</c>). Only for values the command line gave: a value from an environment variable keeps the
/// library's wording, which names the variable.
/// </summary>
internal static partial class CliSpellings
{
    // Property -> the flag that sets it (StartOptionsBuilder.Build).
    private static readonly (string Property, Func<StartArguments, bool> Given, string Flag)[] Flags =
    [
        (nameof(AgentOptions.ApiKey), a => !string.IsNullOrEmpty(a.Key), "--key"),
        (nameof(AgentOptions.TenantId), a => !string.IsNullOrEmpty(a.TenantId), "--tenant-id"),
        (nameof(AgentOptions.ApiUrl), a => !string.IsNullOrEmpty(a.Api), "--api"),
        (nameof(AgentOptions.Backend), a => !string.IsNullOrEmpty(a.Backend), "--backend"),
        (nameof(AgentOptions.AgentConfigId), a => !string.IsNullOrEmpty(a.AgentConfigId), "--agent-config-id"),
        (nameof(AgentOptions.Name), a => !string.IsNullOrEmpty(a.Name), "--name"),
        (nameof(AgentOptions.Labels), a => a.Labels.Count > 0, "--label"),
        (nameof(AgentOptions.EnvVars), a => a.Env.Count > 0, "--env"),
        (nameof(AgentOptions.MaxPolls), a => a.MaxPolls is not null, "--max-polls"),
        (nameof(AgentOptions.AgentAddress), a => !string.IsNullOrEmpty(a.AgentAddress), "--agent-address"),
        (nameof(AgentOptions.NoCloudLogs), a => a.NoCloudLogs, "--no-cloud-logs"),
        (nameof(AgentOptions.AgentToken), a => !string.IsNullOrEmpty(a.Token), "--token"),
    ];

    // Property -> the original's constructor argument, given as a trailing key=value item.
    private static readonly Dictionary<string, string> Items = new(StringComparer.Ordinal)
    {
        ["agent_config_id"] = nameof(AgentOptions.AgentConfigId),
        ["name"] = nameof(AgentOptions.Name),
        ["max_polls"] = nameof(AgentOptions.MaxPolls),
        ["agent_address"] = nameof(AgentOptions.AgentAddress),
        ["no_cloud_logs"] = nameof(AgentOptions.NoCloudLogs),
        ["launch_type"] = nameof(AgentOptions.LaunchType),
        ["aws_access_key_id"] = nameof(AgentOptions.AwsAccessKeyId),
        ["aws_secret_access_key"] = nameof(AgentOptions.AwsSecretAccessKey),
        ["aws_session_token"] = nameof(AgentOptions.AwsSessionToken),
        ["region_name"] = nameof(AgentOptions.RegionName),
        ["enable_task_revisions"] = nameof(AgentOptions.EnableTaskRevisions),
        ["use_external_kwargs"] = nameof(AgentOptions.UseExternalKwargs),
        ["external_kwargs_s3_bucket"] = nameof(AgentOptions.ExternalKwargsS3Bucket),
        ["external_kwargs_s3_key"] = nameof(AgentOptions.ExternalKwargsS3Key),
        ["max_concurrent_deployments"] = nameof(AgentOptions.MaxConcurrentDeployments),
        ["list_task_definition_families"] = nameof(AgentOptions.ListTaskDefinitionFamilies),
    };

    /// <summary>Names, in each message, the options the command line set by the spelling the user typed.</summary>
    /// <param name="failures">The library's messages.</param>
    /// <param name="arguments">The command line.</param>
    /// <returns>The messages, rewritten.</returns>
    public static IReadOnlyList<string> Rewrite(IEnumerable<string> failures, StartArguments arguments)
    {
        var spellings = Spellings(arguments);
        var kwargs = KwargSpellings(arguments);
        return failures.Select(failure => Rewrite(RewriteKwargs(failure, kwargs), spellings)).ToList();
    }

    // Kwarg key -> the item as typed ("cpu" for cpu=..., "--cpu" for --cpu=...): the last one given wins, as in the builder.
    private static Dictionary<string, string> KwargSpellings(StartArguments arguments)
    {
        var spellings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in arguments.Trailing)
        {
            var separator = item.IndexOf('=', StringComparison.Ordinal);
            if (separator > 0)
            {
                spellings[item[..separator].TrimStart('-')] = item[..separator];
            }
        }

        return spellings;
    }

    // 'AgentOptions.Kwargs["cpu"]' -> 'cpu=' when the command line gave the kwarg.
    private static string RewriteKwargs(string failure, Dictionary<string, string> spellings) =>
        KwargEntry().Replace(failure, match =>
            spellings.TryGetValue(match.Groups["key"].Value, out var typed) ? typed + "=" : match.Value);

    private static Dictionary<string, string> Spellings(StartArguments arguments)
    {
        var spellings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (property, given, flag) in Flags)
        {
            if (given(arguments))
            {
                spellings[property] = flag;
            }
        }

        // Trailing items are applied after the flags (StartOptionsBuilder), so their spelling wins.
        foreach (var item in arguments.Trailing)
        {
            var text = item.TrimStart('-');
            var separator = text.IndexOf('=', StringComparison.Ordinal);
            if (separator > 0 && Items.TryGetValue(text[..separator], out var property))
            {
                spellings[property] = text[..separator];
            }
        }

        return spellings;
    }

    private static string Rewrite(string failure, Dictionary<string, string> spellings) =>
        PropertyName().Replace(failure, match =>
            spellings.TryGetValue(match.Groups["property"].Value, out var spelling)
                && (match.Groups["qualified"].Success || match.Index == 0)
                ? spelling
                : match.Value);

    [GeneratedRegex(@"AgentOptions\.Kwargs\[""(?<key>[^""]+)""\]", RegexOptions.CultureInvariant)]
    private static partial Regex KwargEntry();

    // "AgentOptions.AgentAddress" anywhere, or a bare property name that starts the message ("AgentAddress must ...").
    [GeneratedRegex(@"(?<qualified>AgentOptions\.)?\b(?<property>[A-Z][A-Za-z]+)\b", RegexOptions.CultureInvariant)]
    private static partial Regex PropertyName();
}
