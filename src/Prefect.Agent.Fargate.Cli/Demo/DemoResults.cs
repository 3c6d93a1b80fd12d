using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Testing.Prefect;

namespace Prefect.Agent.Fargate.Cli.Demo;

/// <summary>Reads the outcome of the demo from the fakes' state: what Prefect recorded and what ECS started.</summary>
internal static partial class DemoResults
{
    public const string Submitted = "Submitted";

    public const string Failed = "Failed";

    // The agent tells each flow container which run it is (as the original): the link from an ECS task to its run.
    private const string FlowRunIdVariable = "PREFECT__CONTEXT__FLOW_RUN_ID";

    /// <summary>
    /// Gets whether the agent is done with a run: Submitted (launched) or Failed; a run whose task is meant to fail to
    /// start is done only once Failed (the task watch reported it).
    /// </summary>
    /// <param name="run">The run.</param>
    /// <param name="failsToStart">Whether the run's task is meant to fail to start.</param>
    /// <returns>Whether its state is final for the agent.</returns>
    public static bool IsSettled(FakeFlowRun run, bool failsToStart = false) => failsToStart ? run.State == Failed : run.State is Submitted or Failed;

    /// <summary>Gets whether the agent launched the run: it was set Submitted at some point.</summary>
    /// <param name="run">The run.</param>
    /// <returns>Whether it was Submitted.</returns>
    public static bool WasSubmitted(FakeFlowRun run) => run.States.Any(s => s.Type == Submitted);

    /// <summary>
    /// The reason a Failed run shows in the table: ECS's stop code and stopped reason from the task watch's message
    /// ("Stop code: X. Stopped reason: Y."), or else the whole state message; <see langword="null"/> for other states.
    /// </summary>
    /// <param name="run">The run.</param>
    /// <returns>The reason, or <see langword="null"/>.</returns>
    public static string? ReasonOf(FakeFlowRun run)
    {
        if (run.State != Failed)
        {
            return null;
        }

        var message = run.StateMessage ?? string.Empty;
        var match = StopReason().Match(message);
        return match.Success ? match.Groups["code"].Value + ": " + match.Groups["reason"].Value : message;
    }

    /// <summary>One row per flow run, in the order scheduled.</summary>
    /// <param name="prefect">The fake Prefect API.</param>
    /// <param name="ecs">The fake ECS.</param>
    /// <returns>The rows of the final table.</returns>
    public static IReadOnlyList<DemoRow> Read(FakePrefectApi prefect, FakeEcs ecs)
    {
        var tasks = ecs.Tasks;
        return prefect.FlowRuns.Select(run =>
        {
            var task = tasks.LastOrDefault(t => FlowRunIdOf(t) == run.Id);
            return new DemoRow(Describe(run), task is null ? null : FamilyAndRevision(task.TaskDefinitionArn), task?.TaskArn, run.State, ReasonOf(run));
        }).ToList();
    }

    /// <summary>Renders a run as its name and the start of its id, e.g. <c>etl-orders-1 (3f2a9c1e)</c>.</summary>
    /// <param name="run">The run.</param>
    /// <returns>The text shown in the table.</returns>
    public static string Describe(FakeFlowRun run) => $"{run.Name} ({run.Id[..8]})";

    /// <summary>Returns <c>family:revision</c> from a task-definition ARN.</summary>
    /// <param name="arn">The ARN.</param>
    /// <returns>The part after <c>task-definition/</c>, or the ARN itself.</returns>
    public static string FamilyAndRevision(string arn)
    {
        const string Marker = ":task-definition/";
        var at = arn.IndexOf(Marker, StringComparison.Ordinal);
        return at < 0 ? arn : arn[(at + Marker.Length)..];
    }

    [GeneratedRegex(@"Stop code: (?<code>.*?)\. Stopped reason: (?<reason>.*?)\.(?: Container '|$)", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex StopReason();

    private static string? FlowRunIdOf(FakeEcsTask task)
    {
        foreach (var container in task.Task["overrides"]?["containerOverrides"] as JsonArray ?? [])
        {
            foreach (var variable in container?["environment"] as JsonArray ?? [])
            {
                if (variable?["name"]?.GetValue<string>() == FlowRunIdVariable)
                {
                    return variable["value"]?.GetValue<string>();
                }
            }
        }

        return null;
    }
}
