using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using System.Text.RegularExpressions;
using System.CommandLine.Invocation;

namespace Prefect.Agent.Fargate.Cli.Commands;

/// <summary>The root command of <c>prefect-fargate-agent</c> and its invocation.</summary>
internal static partial class CliApplication
{
    public static RootCommand CreateRootCommand(CliContext context)
    {
        var root = new RootCommand(
            "prefect-fargate-agent: a Prefect 1.x agent that launches flow runs as AWS ECS tasks, "
            + "configured like Prefect 0.15's 'prefect agent fargate start'.");
        root.Subcommands.Add(StartCommand.Create(context));
        root.Subcommands.Add(ValidateCommand.Create(context));
        root.Subcommands.Add(DemoCommand.Create(context));
        foreach (var version in root.Options.OfType<VersionOption>())
        {
            version.Action = new PrintVersionAction();
        }

        return root;
    }

    /// <summary>Parses and runs a command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="context">Streams, environment and seams.</param>
    /// <param name="cancellationToken">Stops the command (with a drain for <c>start</c>).</param>
    /// <returns>The exit code: 0 normal, 1 runtime failure, 2 bad usage.</returns>
    public static async Task<int> InvokeAsync(IReadOnlyList<string> args, CliContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parseResult = CreateRootCommand(context).Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            // System.CommandLine returns 1 for parse errors; the tool's contract is 2 for bad usage.
            var commandName = parseResult.CommandResult.Command is RootCommand ? string.Empty : parseResult.CommandResult.Command.Name;
            return await AgentCommandRunner.WriteUsageErrorAsync(
                context,
                commandName,
                parseResult.Errors.Select(e => e.Message).ToList()).ConfigureAwait(false);
        }

        if (parseResult.Action is HelpAction)
        {
            // start and validate accept trailing key=value items (TreatUnmatchedTokensAsErrors = false), for which
            // System.CommandLine's help adds "Additional Arguments: Arguments passed to the application that is being
            // run." -- wrong here, and its HelpBuilder is not public in 2.0.0: the text is rewritten instead.
            using var help = new StringWriter(CultureInfo.InvariantCulture);
            var helpCode = await parseResult.InvokeAsync(new InvocationConfiguration { Output = help, Error = context.Error }, cancellationToken).ConfigureAwait(false);
            await context.Out.WriteAsync(RewriteHelp(help.ToString())).ConfigureAwait(false);
            return helpCode;
        }

        var configuration = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,

            // The commands handle SIGINT/SIGTERM themselves: the drain can take longer than the library's 2-second grace.
            ProcessTerminationTimeout = null,
        };
        return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Drops the "Additional Arguments" section and names the trailing items in the usage line.</summary>
    /// <param name="help">The help text System.CommandLine wrote.</param>
    /// <returns>The help text to show.</returns>
    internal static string RewriteHelp(string help) =>
        AdditionalArgumentsSection().Replace(help, string.Empty)
            .Replace("[[--] <additional arguments>...]]", "[key=value ...]", StringComparison.Ordinal);

    [GeneratedRegex(@"\r?\nAdditional Arguments:\r?\n(?:[ \t]+[^\r\n]*\r?\n?)*", RegexOptions.CultureInvariant)]
    private static partial Regex AdditionalArgumentsSection();
}
