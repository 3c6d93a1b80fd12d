namespace Prefect.Agent.Fargate.Cli.Options;

/// <summary>The command line is wrong (exit code 2). The message names the flag or item, the value and the fix.</summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(IReadOnlyList<string> errors)
        : base(string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public UsageException()
    {
    }

    /// <summary>Gets every problem found, one line each.</summary>
    public IReadOnlyList<string> Errors { get; } = [];
}
