using System.Globalization;
using System.CommandLine;
using Prefect.Agent.Fargate.Cli.Options;

namespace Prefect.Agent.Fargate.Cli.Commands;

/// <summary>The flags of the original's <c>prefect agent fargate start</c>, shared by <c>start</c> and <c>validate</c>.</summary>
internal sealed class AgentCommandOptions
{
    public Option<string?> Key { get; } = new("--key", "-k") { Description = "A Prefect Cloud API key (else PREFECT__CLOUD__API_KEY).", HelpName = "KEY" };

    public Option<string?> TenantId { get; } = new("--tenant-id") { Description = "A Prefect Cloud tenant id (else PREFECT__CLOUD__TENANT_ID).", HelpName = "ID" };

    public Option<string?> Api { get; } = new("--api", "-a") { Description = "The Prefect API URL (else PREFECT__CLOUD__API, else the backend's default).", HelpName = "URL" };

    public Option<string?> Backend { get; } = new("--backend")
    {
        Description = "The Prefect backend, server or cloud (else PREFECT__BACKEND, else cloud as in Prefect 0.15).",
        HelpName = "server|cloud",
    };

    public Option<string?> AgentConfigId { get; } = new("--agent-config-id") { Description = "An agent configuration id sent when registering.", HelpName = "ID" };

    public Option<string?> Name { get; } = new("--name", "-n") { Description = "The agent name (else PREFECT__CLOUD__AGENT__NAME, else 'agent').", HelpName = "NAME" };

    public Option<string[]> Label { get; } = new("--label", "-l")
    {
        Description = "A label; repeat for several (sorted and de-duplicated). None: PREFECT__CLOUD__AGENT__LABELS.",
        HelpName = "LABEL",
    };

    public Option<string[]> Env { get; } = new("--env", "-e")
    {
        Description = "KEY=VALUE added to every flow container's environment; repeat for several. None: PREFECT__CLOUD__AGENT__ENV_VARS.",
        HelpName = "KEY=VALUE",
    };

    public Option<int?> MaxPolls { get; } = new("--max-polls")
    {
        Description = "Poll this many times, wait for in-flight deployments, and exit.",
        HelpName = "N",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            result.AddError($"--max-polls: '{text}' is not a whole number; give e.g. --max-polls 10.");
            return null;
        },
    };

    public Option<string?> AgentAddress { get; } = new("--agent-address") { Description = "Address of the health endpoint, e.g. http://0.0.0.0:8080 (else PREFECT__CLOUD__AGENT__AGENT_ADDRESS).", HelpName = "URL" };

    public Option<bool> NoCloudLogs { get; } = new("--no-cloud-logs") { Description = "Tell flow runs not to send their logs to the backend.", Arity = ArgumentArity.Zero };

    public Option<string?> LogLevel { get; } = new("--log-level") { Description = "DEBUG, INFO, WARNING or ERROR, any case (else PREFECT__CLOUD__AGENT__LEVEL, else INFO).", HelpName = "LEVEL" };

    public Option<string?> Token { get; } = new("--token", "-t") { Description = "A legacy RUNNER agent token (else PREFECT__CLOUD__AGENT__AUTH_TOKEN).", HelpName = "TOKEN" };

    /// <summary>Adds the flags to a command; <c>validate</c> leaves out the ones that only polling uses.</summary>
    /// <param name="command">The command.</param>
    /// <param name="polling">Whether the command polls (<c>start</c>): adds --max-polls, --agent-address and --no-cloud-logs.</param>
    public void AddTo(Command command, bool polling = true)
    {
        Option[] all = polling
            ? [Key, TenantId, Api, Backend, AgentConfigId, Name, Label, Env, MaxPolls, AgentAddress, NoCloudLogs, LogLevel, Token]
            : [Key, TenantId, Api, Backend, AgentConfigId, Name, Label, Env, LogLevel, Token];
        foreach (var option in all)
        {
            command.Options.Add(option);
        }

        // Trailing key=value and --key=value items are ECS settings and constructor arguments (StartOptionsBuilder).
        command.TreatUnmatchedTokensAsErrors = false;
    }

    public StartArguments Read(ParseResult parseResult) => new()
    {
        Key = parseResult.GetValue(Key),
        TenantId = parseResult.GetValue(TenantId),
        Api = parseResult.GetValue(Api),
        Backend = parseResult.GetValue(Backend),
        AgentConfigId = parseResult.GetValue(AgentConfigId),
        Name = parseResult.GetValue(Name),
        Labels = parseResult.GetValue(Label) ?? [],
        Env = parseResult.GetValue(Env) ?? [],
        MaxPolls = parseResult.GetValue(MaxPolls),
        AgentAddress = parseResult.GetValue(AgentAddress),
        NoCloudLogs = parseResult.GetValue(NoCloudLogs),
        LogLevel = parseResult.GetValue(LogLevel),
        Token = parseResult.GetValue(Token),
        Trailing = parseResult.UnmatchedTokens,
    };
}
