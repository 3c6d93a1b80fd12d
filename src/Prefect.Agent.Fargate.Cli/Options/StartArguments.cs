namespace Prefect.Agent.Fargate.Cli.Options;

/// <summary>What the command line of <c>start</c> (and <c>validate</c>) gave, before it is mapped to <see cref="AgentOptions"/>.</summary>
internal sealed record StartArguments
{
    public string? Key { get; init; }

    public string? TenantId { get; init; }

    public string? Api { get; init; }

    public string? Backend { get; init; }

    public string? AgentConfigId { get; init; }

    public string? Name { get; init; }

    public IReadOnlyList<string> Labels { get; init; } = [];

    public IReadOnlyList<string> Env { get; init; } = [];

    public int? MaxPolls { get; init; }

    public string? AgentAddress { get; init; }

    public bool NoCloudLogs { get; init; }

    public string? LogLevel { get; init; }

    public string? Token { get; init; }

    /// <summary>Gets the items the parser did not match: <c>key=value</c> or <c>--key=value</c>.</summary>
    public IReadOnlyList<string> Trailing { get; init; } = [];
}
