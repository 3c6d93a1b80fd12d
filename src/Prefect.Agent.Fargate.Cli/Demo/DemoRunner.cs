using System.Globalization;
using Microsoft.Extensions.Logging;
using Prefect.Agent.Fargate.Cli.Commands;
using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Testing.Prefect;

namespace Prefect.Agent.Fargate.Cli.Demo;

/// <summary>
/// The demo: a fake Prefect Server and a fake ECS on 127.0.0.1, a handful of scheduled flow runs, and the real
/// <see cref="FargateAgent"/> launching them, with a progress line and a final table read from the fakes' state.
/// </summary>
internal sealed class DemoRunner
{
    private readonly CliContext context;
    private readonly DemoScenario scenario;
    private readonly LogLevel logLevel;

    // The ids of the runs whose tasks fail to start: they end Failed, with ECS's reason.
    private readonly HashSet<string> failingToStart = new(StringComparer.Ordinal);

    public DemoRunner(CliContext context, DemoScenario scenario, LogLevel logLevel)
    {
        this.context = context;
        this.scenario = scenario;
        this.logLevel = logLevel;
    }

    /// <summary>Runs the demo.</summary>
    /// <param name="cancellationToken">Stops the demo early (reported as a failure).</param>
    /// <returns>0 when every run ended as meant (Submitted; Failed for a run whose task fails to start), else 1 with the reason on stderr.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var isolation = context.IsolateDemoEnvironment();
        var clock = context.TimeProvider;
        var prefect = await FakePrefectApi.StartAsync(new FakePrefectApiOptions { Mode = FakePrefectBackendMode.Server, TimeProvider = clock }, cancellationToken).ConfigureAwait(false);
        await using var prefectLifetime = prefect.ConfigureAwait(false);
        var ecs = await FakeEcs.StartAsync(new FakeEcsOptions { TimeProvider = clock }, cancellationToken).ConfigureAwait(false);
        await using var ecsLifetime = ecs.ConfigureAwait(false);
        Schedule(prefect, ecs, clock.GetUtcNow());
        scenario.ConfigureFakes?.Invoke(prefect, ecs);

        var total = prefect.FlowRuns.Count;
        var flows = prefect.FlowRuns.Select(r => r.FlowName).Distinct(StringComparer.Ordinal).Count();
        await context.Out.WriteLineAsync($"Fake Prefect Server: {prefect.Url}").ConfigureAwait(false);
        await context.Out.WriteLineAsync($"Fake Amazon ECS:     {ecs.Url} (region {ecs.Region})").ConfigureAwait(false);
        await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Scheduled {total} flow runs of {flows} flows; starting the agent (labels {string.Join(", ", DemoScenario.AgentLabels)})")).ConfigureAwait(false);

        var failure = await RunAgentAsync(prefect, ecs, cancellationToken).ConfigureAwait(false);
        var rows = DemoResults.Read(prefect, ecs);
        await context.Out.WriteLineAsync().ConfigureAwait(false);
        await context.Out.WriteAsync(DemoTable.Render(rows)).ConfigureAwait(false);
        await context.Out.WriteLineAsync(DemoTable.Summarize(rows)).ConfigureAwait(false);
        failure ??= Failures(prefect, failingToStart);
        if (failure is not null)
        {
            await context.Error.WriteLineAsync("error: demo failed: " + failure).ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        var definitions = ecs.TaskDefinitions.Count;
        await context.Out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"Done: {ecs.GetCallCount("RunTask")} RunTask calls, {definitions} task definitions registered. No AWS account or Prefect server was used.")).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private async Task<string?> RunAgentAsync(FakePrefectApi prefect, FakeEcs ecs, CancellationToken cancellationToken)
    {
        // Disposed before the table is written, so that the console logger has flushed the agent's last lines.
        using var loggerFactory = LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(logLevel);
            context.ConfigureLogging(builder, "demo-agent", logLevel);
        });
        var options = DemoScenario.CreateAgentOptions(prefect, ecs);
        options.LoggerFactory = loggerFactory;
        options.TimeProvider = context.TimeProvider;
        scenario.ConfigureAgent?.Invoke(options);

        string? failure;
        var agent = new FargateAgent(options);
        await using var agentLifetime = agent.ConfigureAwait(false);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = agent.StartAsync(stopping.Token);
        failure = await WatchAsync(prefect, running, cancellationToken).ConfigureAwait(false);
        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await running.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever stopped the agent is reported, with the table of what it did until then.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure ??= "the agent stopped: " + ex.Message;
        }

        return failure;
    }

    private static string? Failures(FakePrefectApi prefect, HashSet<string> failingToStart)
    {
        // A run whose task cannot start must end Failed (the task watch reported it); every other run Submitted.
        var unreported = prefect.FlowRuns.Where(r => failingToStart.Contains(r.Id) && r.State != DemoResults.Failed).ToList();
        if (unreported.Count > 0)
        {
            var run = unreported[0];
            return string.Create(
                CultureInfo.InvariantCulture,
                $"{DemoResults.Describe(run)}'s task failed to start, but the run is {run.State}, not Failed: {run.StateMessage ?? "no message"}");
        }

        var others = prefect.FlowRuns.Where(r => !failingToStart.Contains(r.Id)).ToList();
        var failed = others.Where(r => r.State != DemoResults.Submitted).ToList();
        if (failed.Count == 0)
        {
            return null;
        }

        var first = failed[0];
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{failed.Count} of {others.Count} flow runs were not submitted; {DemoResults.Describe(first)} is {first.State}: {first.StateMessage ?? "no message"}");
    }

    private void Schedule(FakePrefectApi prefect, FakeEcs ecs, DateTimeOffset now)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var image in scenario.Runs.Where(r => r.FailsToStart && r.Image is not null).Select(r => r.Image!).Distinct(StringComparer.Ordinal))
        {
            ecs.AddTaskBehavior(DemoScenario.CannotPull(image, scenario.FailToStartAfter));
        }

        foreach (var run in scenario.Runs)
        {
            var number = counts[run.FlowName] = counts.GetValueOrDefault(run.FlowName) + 1;
            var added = prefect.AddFlowRun(new FakeFlowRunOptions
            {
                FlowName = run.FlowName,
                Name = string.Create(CultureInfo.InvariantCulture, $"{run.FlowName}-{number}"),
                StartTime = now + run.StartOffset,
                Labels = ["demo"],
                Image = run.Image,
                DockerStorageImage = run.DockerStorageImage,
            });
            if (run.FailsToStart)
            {
                failingToStart.Add(added.Id);
            }
        }
    }

    /// <summary>Shows progress until every run is settled, the agent stops, or the timeout.</summary>
    /// <returns>The reason the demo failed, or <see langword="null"/>.</returns>
    private async Task<string?> WatchAsync(FakePrefectApi prefect, Task running, CancellationToken cancellationToken)
    {
        var clock = context.TimeProvider;
        var deadline = clock.GetUtcNow() + scenario.Timeout;
        var total = prefect.FlowRuns.Count;
        var shown = -1;
        try
        {
            while (true)
            {
                var runs = prefect.FlowRuns;
                // Launched runs: Submitted at some point (a run whose task then fails to start too).
                var submitted = runs.Count(DemoResults.WasSubmitted);
                if (submitted != shown)
                {
                    shown = submitted;
                    var line = DemoProgress.Render(submitted, total, "submitted");
                    await (context.OutputIsTerminal ? context.Out.WriteAsync("\r" + line) : context.Out.WriteLineAsync(line)).ConfigureAwait(false);
                }

                if (runs.All(r => DemoResults.IsSettled(r, failingToStart.Contains(r.Id))) || running.IsCompleted)
                {
                    return null;
                }

                if (clock.GetUtcNow() >= deadline)
                {
                    var waiting = runs.Where(r => !DemoResults.IsSettled(r, failingToStart.Contains(r.Id))).Select(DemoResults.Describe);
                    return string.Create(
                        CultureInfo.InvariantCulture,
                        $"timed out after {scenario.Timeout.TotalSeconds:0.#} s with {submitted} of {total} flow runs submitted; still waiting for {string.Join(", ", waiting)}");
                }

                await Task.Delay(scenario.RefreshInterval, clock, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return "interrupted";
        }
        finally
        {
            if (context.OutputIsTerminal)
            {
                await context.Out.WriteLineAsync().ConfigureAwait(false);
            }
        }
    }
}
