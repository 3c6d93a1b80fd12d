using Prefect.Agent.Fargate.Kwargs;

namespace Prefect.Agent.Fargate.Cli.Demo;

/// <summary>
/// Hides the user's AWS and Prefect settings from the demo's agent for its duration, and restores them afterwards.
/// </summary>
/// <remarks>
/// The agent fills every option left unset from the environment, as the original did: <c>AWS_SESSION_TOKEN</c> would be
/// sent to the fake, <c>PREFECT__CLOUD__AGENT__AGENT_ADDRESS</c> would open a port, a generic <c>cpu</c> or
/// <c>containerDefinitions_secrets</c> would change the task definition. The demo sets everything it needs explicitly,
/// so it clears those variables instead of trusting them, and disables IMDS in case anything asks the AWS SDK.
/// </remarks>
internal sealed class DemoEnvironment : IDisposable
{
    /// <summary>The variables set while the demo runs.</summary>
    public static readonly IReadOnlyDictionary<string, string> Overrides = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    private static readonly string[] Prefixes = ["AWS_", "PREFECT__", KwargKeys.ContainerEnvironmentPrefix];

    // Each kwargs key falls back to a variable of the same name, plus the agent's non-standard REGION_NAME.
    private static readonly HashSet<string> Names = new(
        KwargKeys.TaskDefinition.Concat(KwargKeys.Run).Append(KwargKeys.ContainerDefinitions).Append("REGION_NAME"),
        StringComparer.Ordinal);

    private readonly Dictionary<string, string?> saved;
    private readonly Action<string, string?> set;

    private DemoEnvironment(Dictionary<string, string?> saved, Action<string, string?> set)
    {
        this.saved = saved;
        this.set = set;
    }

    /// <summary>Gets the names changed, with the value each had before (never printed: some are secrets).</summary>
    public IReadOnlyDictionary<string, string?> Saved => saved;

    /// <summary>Tells whether the demo hides a variable.</summary>
    /// <param name="name">The variable name.</param>
    /// <returns>Whether it is cleared for the demo.</returns>
    public static bool IsHidden(string name) =>
        Names.Contains(name) || Prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));

    /// <summary>Isolates the demo from this process's environment.</summary>
    /// <returns>A scope that restores the variables when disposed.</returns>
    public static IDisposable IsolateProcess()
    {
        var names = Environment.GetEnvironmentVariables().Keys.OfType<string>().ToList();
        return Isolate(names, Environment.GetEnvironmentVariable, Environment.SetEnvironmentVariable);
    }

    /// <summary>Clears the hidden variables among <paramref name="names"/> and sets <see cref="Overrides"/>.</summary>
    /// <param name="names">The names of the variables currently set.</param>
    /// <param name="get">Reads a variable.</param>
    /// <param name="set">Sets a variable (<see langword="null"/> removes it).</param>
    /// <returns>A scope that restores the previous values when disposed.</returns>
    public static DemoEnvironment Isolate(IEnumerable<string> names, Func<string, string?> get, Action<string, string?> set)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(get);
        ArgumentNullException.ThrowIfNull(set);
        var saved = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in names.Where(IsHidden).Concat(Overrides.Keys).Distinct(StringComparer.Ordinal))
        {
            saved[name] = get(name);
        }

        foreach (var name in saved.Keys)
        {
            set(name, Overrides.GetValueOrDefault(name));
        }

        return new DemoEnvironment(saved, set);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var (name, value) in saved)
        {
            set(name, value);
        }

        saved.Clear();
    }
}
