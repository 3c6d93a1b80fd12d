namespace Prefect.Agent.Fargate.Polling;

/// <summary>
/// The original's back-off index (reference 4.3): back to the first interval after a poll that found work, one step
/// further after each poll that found none, never past the last.
/// </summary>
internal sealed class BackoffSchedule
{
    private readonly IReadOnlyList<TimeSpan> intervals;
    private int index;

    public BackoffSchedule(IEnumerable<TimeSpan> intervals)
    {
        this.intervals = intervals.ToArray();
        if (this.intervals.Count == 0)
        {
            throw new ArgumentException("At least one poll interval is needed.", nameof(intervals));
        }
    }

    public TimeSpan Current => intervals[index];

    public void Record(bool foundWork) => index = foundWork ? 0 : Math.Min(index + 1, intervals.Count - 1);
}
