using System.Net.Sockets;
using XcpTunnel.Protocol.Tls;

namespace XcpTunnel.Probes;

/// <summary>A running tunnel (or any VNC server) at <c>host:port</c>: the probe is one more viewer of it.</summary>
internal sealed class TcpProbeTarget(string name, string host, int port) : ProbeTarget(name)
{
    public override async Task<Stream> OpenAsync(ProbeStageClock clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clock);
        clock.StageStarted(ProbeStages.Tcp);
        // No deadline of its own: the probe's deadline bounds the connect and names the stage it struck in.
        var socket = await TlsConnector.ConnectTcpAsync(host, port, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        clock.StageCompleted(ProbeStages.Tcp);
        return new NetworkStream(socket, ownsSocket: true);
    }
}
