using Microsoft.Extensions.Time.Testing;

namespace XcpTunnel.Protocol.Tests.Support;

/// <summary>Deadlines on a fake clock, passed in steps while the code under test runs on real threads.</summary>
internal static class FakeClock
{
    /// <summary>
    /// Moves <paramref name="clock"/> by <paramref name="step"/> until <paramref name="task"/> ends (within the real
    /// test timeout) and returns how far it moved: a lower bound on the fake time the code waited. How the task
    /// ended is the caller's to check.
    /// </summary>
    public static async Task<TimeSpan> AdvanceUntilDoneAsync(FakeTimeProvider clock, Task task, TimeSpan step)
    {
        var moved = TimeSpan.Zero;
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (!task.IsCompleted && DateTime.UtcNow < deadline)
        {
            clock.Advance(step);
            moved += step;
            await Task.WhenAny(task, Task.Delay(10));
        }

        // The caller looks at how the task ended: a deadline under test often ends it with an exception.
        Assert.True(task.IsCompleted, $"still running after the clock moved {moved}");
        return moved;
    }
}
