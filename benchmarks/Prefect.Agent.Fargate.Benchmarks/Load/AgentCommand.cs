namespace Prefect.Agent.Fargate.Benchmarks.Load;

/// <summary>How to start the agent: an executable (the Native AOT binary) or <c>dotnet</c> with the CLI's dll (JIT).</summary>
/// <param name="FileName">The program.</param>
/// <param name="LeadingArguments">Arguments before the CLI's own (the dll for <c>dotnet</c>).</param>
/// <param name="Description">What the report calls it.</param>
internal sealed record AgentCommand(string FileName, IReadOnlyList<string> LeadingArguments, string Description)
{
    /// <summary>Gets the marker of <see cref="InProcessAgent"/>.</summary>
    public static AgentCommand InProcess { get; } = new(string.Empty, [], "in-process FargateAgent (ECS rate governor only when the fake enforces quotas)");

    public bool IsInProcess => ReferenceEquals(this, InProcess);

    public static AgentCommand FromPath(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"--agent: '{full}' does not exist; publish the CLI first (see benchmarks/README.md) or give --agent jit.", full);
        }

        return full.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new AgentCommand("dotnet", [full], $"JIT (dotnet {Path.GetFileName(full)})")
            : new AgentCommand(full, [], $"native ({Path.GetFileName(full)}, {new FileInfo(full).Length / (1024.0 * 1024):F1} MiB)");
    }
}
