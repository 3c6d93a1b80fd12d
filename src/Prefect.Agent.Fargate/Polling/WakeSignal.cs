namespace Prefect.Agent.Fargate.Polling;

/// <summary>
/// A resettable, awaitable signal: the counterpart of the original's wake event, but owned by one agent (the
/// original's was process-global, so a poke woke every agent in the process; item 24).
/// </summary>
internal sealed class WakeSignal
{
    private TaskCompletionSource source = NewSource();

    /// <summary>Gets a task that completes when the signal is set.</summary>
    public Task WhenSet => Volatile.Read(ref source).Task;

    public void Set() => Volatile.Read(ref source).TrySetResult();

    /// <summary>Clears the signal if it was set; a set that races with the reset is kept, never lost.</summary>
    public void Reset()
    {
        var current = Volatile.Read(ref source);
        if (current.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref source, NewSource(), current);
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
