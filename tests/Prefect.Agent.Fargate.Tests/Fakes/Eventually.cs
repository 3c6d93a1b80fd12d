namespace Prefect.Agent.Fargate.Tests.Fakes;

/// <summary>Waits (in real time, briefly) for something another thread does; never asserts on timing.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string because)
    {
        for (var i = 0; i < 5000; i++)
        {
            if (condition())
            {
                return;
            }

            await Task.Delay(2, CancellationToken.None);
        }

        Assert.Fail("Timed out waiting until " + because);
    }
}
