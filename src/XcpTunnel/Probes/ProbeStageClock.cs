namespace XcpTunnel.Probes;

/// <summary>
/// Times a probe's stages and remembers which one is running, so a deadline that strikes can say where
/// ("timed out after 10 s in stage tls").
/// </summary>
internal sealed class ProbeStageClock(TimeProvider time)
{
    private readonly List<ProbeStage> _stages = [];
    private long _stageStarted = time.GetTimestamp();

    /// <summary>The stage running now (or the next to run).</summary>
    public string Current { get; private set; } = string.Empty;

    public IReadOnlyList<ProbeStage> Completed => _stages;

    /// <summary>Starts timing <paramref name="stage"/>.</summary>
    public void Begin(string stage)
    {
        Current = stage;
        _stageStarted = time.GetTimestamp();
    }

    /// <summary>Ends the current stage and records it.</summary>
    public void End() => _stages.Add(new ProbeStage(Current, time.GetElapsedTime(_stageStarted)));

    /// <summary>Records a stage measured elsewhere (the RFB client's and the dialer's own timings).</summary>
    public void Add(string stage, TimeSpan duration) => _stages.Add(new ProbeStage(stage, duration));

    /// <summary>Names the stage running now without restarting the stopwatch (a sub-step of one timed call).</summary>
    public void Entering(string stage) => Current = stage;
}
