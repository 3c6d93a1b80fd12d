namespace Prefect.Agent.Fargate.Cli.Tests.Packaging;

/// <summary>The outcome of a child process.</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}
