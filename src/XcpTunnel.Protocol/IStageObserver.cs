namespace XcpTunnel.Protocol;

/// <summary>
/// Follows the stages of opening a console as they happen: <see cref="Consoles.ConsoleDialer"/> reports
/// <see cref="ConnectionStages.Xapi"/>, <see cref="ConnectionStages.Tls"/> and <see cref="ConnectionStages.Connect"/>,
/// <see cref="Rfb.Client.RfbClient"/> the RFB handshake's. The observer keeps the clock, so every reporter is timed
/// the same way, and a deadline that strikes can name the stage it struck in.
/// </summary>
/// <remarks>
/// A stage may start again without having completed (a dial's retry after a stale location or an expired session);
/// a stage that fails never completes. Calls come from one connection, one at a time.
/// </remarks>
public interface IStageObserver
{
    /// <summary>The stage named <paramref name="stage"/> (one of <see cref="ConnectionStages"/>) begins now.</summary>
    void StageStarted(string stage);

    /// <summary>The stage named <paramref name="stage"/> has just completed.</summary>
    void StageCompleted(string stage);
}
