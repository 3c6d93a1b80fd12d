using Prefect.Agent.Fargate.Cli.Demo;

namespace Prefect.Agent.Fargate.Cli.Tests.Demo;

public class DemoTableTests
{
    [Fact]
    public void Render_Rows_AlignsColumnsUnderTheHeaders()
    {
        var table = DemoTable.Render(
        [
            new DemoRow("run-1", "prefect-task-0a1b2c3d:1", "arn:aws:ecs:us-east-1:000000000000:task/default/1", "Submitted"),
            new DemoRow("run-22", null, null, "Failed"),
        ]);

        Assert.Equal(
            "flow run  task definition          task ARN                                           final state\n"
            + "--------  -----------------------  -------------------------------------------------  -----------\n"
            + "run-1     prefect-task-0a1b2c3d:1  arn:aws:ecs:us-east-1:000000000000:task/default/1  Submitted\n"
            + "run-22    -                        -                                                  Failed\n",
            table);
    }

    [Fact]
    public void Render_ARowWithAReason_AddsAReasonColumnEmptyForTheOthers()
    {
        var table = DemoTable.Render(
        [
            new DemoRow("run-1", "f:1", "arn-1", "Submitted"),
            new DemoRow("run-2", "g:1", "arn-2", "Failed", "TaskFailedToStart: CannotPullContainerError: not found"),
        ]);

        Assert.Equal(
            "flow run  task definition  task ARN  final state  reason\n"
            + "--------  ---------------  --------  -----------  ------------------------------------------------------\n"
            + "run-1     f:1              arn-1     Submitted\n"
            + "run-2     g:1              arn-2     Failed       TaskFailedToStart: CannotPullContainerError: not found\n",
            table);
    }

    [Fact]
    public void Render_NoRows_IsHeaderOnly()
    {
        Assert.Equal(
            "flow run  task definition  task ARN  final state\n--------  ---------------  --------  -----------\n",
            DemoTable.Render([]));
    }

    [Fact]
    public void Render_LongCell_WidensItsColumn()
    {
        var longId = new string('x', 40);

        var lines = DemoTable.Render([new DemoRow(longId, "f:1", "arn", "Submitted")]).Split('\n');

        Assert.Equal(40, lines[1].IndexOf("  ", StringComparison.Ordinal));
        Assert.StartsWith(longId + "  f:1", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Summarize_CountsFinalStatesInOrderOfAppearance()
    {
        var summary = DemoTable.Summarize(
        [
            new DemoRow("1", null, null, "Submitted"),
            new DemoRow("2", null, null, "Failed"),
            new DemoRow("3", null, null, "Submitted"),
        ]);

        Assert.Equal("3 flow runs: 2 Submitted, 1 Failed", summary);
    }

    [Fact]
    public void Summarize_OneRow_IsSingular()
    {
        Assert.Equal("1 flow run: 1 Submitted", DemoTable.Summarize([new DemoRow("1", null, null, "Submitted")]));
    }

    [Fact]
    public void Summarize_NoRows_SaysZero()
    {
        Assert.Equal("0 flow runs", DemoTable.Summarize([]));
    }
}
