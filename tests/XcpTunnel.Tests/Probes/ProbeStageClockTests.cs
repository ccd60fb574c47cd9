using Microsoft.Extensions.Time.Testing;
using XcpTunnel.Probes;

namespace XcpTunnel.Tests.Probes;

public sealed class ProbeStageClockTests
{
    [Fact]
    public void RetriedStage_IsOneEntryWithTheTimeOfEveryAttemptThatCompleted()
    {
        var time = new FakeTimeProvider();
        var clock = new ProbeStageClock(time);

        Run(clock, time, ProbeStages.Xapi, TimeSpan.FromMilliseconds(5));
        Run(clock, time, ProbeStages.Tls, TimeSpan.FromMilliseconds(2));
        clock.StageStarted(ProbeStages.Connect);
        time.Advance(TimeSpan.FromMilliseconds(7)); // a stale location: the CONNECT fails, the dial resolves again
        Run(clock, time, ProbeStages.Xapi, TimeSpan.FromMilliseconds(3));

        Assert.Equal(
            [new ProbeStage(ProbeStages.Xapi, TimeSpan.FromMilliseconds(8)), new ProbeStage(ProbeStages.Tls, TimeSpan.FromMilliseconds(2))],
            clock.Completed);
    }

    [Fact]
    public void Current_IsTheStageThatStartedLast()
    {
        var time = new FakeTimeProvider();
        var clock = new ProbeStageClock(time);

        Run(clock, time, ProbeStages.Xapi, TimeSpan.FromMilliseconds(1));
        clock.StageStarted(ProbeStages.Tls);

        Assert.Equal(ProbeStages.Tls, clock.Current);
    }

    private static void Run(ProbeStageClock clock, FakeTimeProvider time, string stage, TimeSpan duration)
    {
        clock.StageStarted(stage);
        time.Advance(duration);
        clock.StageCompleted(stage);
    }
}
