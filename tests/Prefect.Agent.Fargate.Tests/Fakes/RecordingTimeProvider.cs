using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Prefect.Agent.Fargate.Tests.Fakes;

/// <summary>A <see cref="FakeTimeProvider"/> that also reports every timer the agent arms, so tests see the exact waits.</summary>
public sealed class RecordingTimeProvider : FakeTimeProvider
{
    private readonly Channel<TimeSpan> timers = Channel.CreateUnbounded<TimeSpan>();

    public RecordingTimeProvider()
        : base(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero))
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Reported once armed, so a test that advances the clock right away cannot miss it.
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            timers.Writer.TryWrite(dueTime);
        }

        return timer;
    }

    /// <summary>Waits (in real time, up to 10 s) for the next timer the agent arms.</summary>
    public async Task<TimeSpan> NextTimerAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await timers.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Waits for a timer of the given length, skipping others.</summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime)
    {
        while (await NextTimerAsync() != dueTime)
        {
        }
    }
}
