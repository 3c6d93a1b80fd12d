using System.CommandLine;
using System.CommandLine.Invocation;

namespace Prefect.Agent.Fargate.Cli.Commands;

/// <summary>
/// <c>--version</c>: prints the tool's package version. The built-in action reads the entry assembly, which is the
/// test host when the tool runs in-process.
/// </summary>
internal sealed class PrintVersionAction : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        parseResult.InvocationConfiguration.Output.WriteLine(AgentCommandRunner.Version);
        return ExitCodes.Success;
    }
}
