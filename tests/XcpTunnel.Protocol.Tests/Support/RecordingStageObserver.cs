namespace XcpTunnel.Protocol.Tests.Support;

/// <summary>Writes down what an <see cref="IStageObserver"/> hears, as <c>+stage</c> (started) and <c>-stage</c> (completed).</summary>
internal sealed class RecordingStageObserver : IStageObserver
{
    public List<string> Events { get; } = [];

    public void StageStarted(string stage) => Events.Add("+" + stage);

    public void StageCompleted(string stage) => Events.Add("-" + stage);
}
