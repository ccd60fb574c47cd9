using XcpTunnel.Protocol;

namespace XcpTunnel.Probes;

/// <summary>
/// Times a probe's stages as the dialer, the RFB client and the probe itself report them, and remembers which one
/// is running, so a deadline that strikes can say where ("timed out after 10 s in stage tls").
/// </summary>
internal sealed class ProbeStageClock(TimeProvider time) : IStageObserver
{
    private readonly List<ProbeStage> _completed = [];
    private long _stageStarted = time.GetTimestamp();

    /// <summary>The stage running now, or the last one that ran.</summary>
    public string Current { get; private set; } = string.Empty;

    /// <summary>Every stage that completed, in the order each first did.</summary>
    public IReadOnlyList<ProbeStage> Completed => _completed;

    public void StageStarted(string stage)
    {
        Current = stage;
        _stageStarted = time.GetTimestamp();
    }

    // A stage that ran more than once (a dial's retry) is one entry with the time of every attempt that completed.
    public void StageCompleted(string stage)
    {
        var elapsed = time.GetElapsedTime(_stageStarted);
        int earlier = _completed.FindIndex(completed => completed.Name == stage);
        if (earlier < 0)
        {
            _completed.Add(new ProbeStage(stage, elapsed));
        }
        else
        {
            _completed[earlier] = _completed[earlier] with { Duration = _completed[earlier].Duration + elapsed };
        }
    }
}
