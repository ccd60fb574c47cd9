using System.Net.Sockets;
using XcpTunnel.Protocol.Streams;

namespace XcpTunnel.Simulator.Backends;

/// <summary>Splices the tunnel to a real RFB server over plain TCP, as xapi splices to qemu's or vncterm's port.</summary>
internal sealed class TcpBackend : ConsoleBackend
{
    private static readonly SpliceOptions SpliceOptions = new();

    private readonly string _host;
    private readonly int _port;

    public TcpBackend(string host, int port)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        _host = host;
        _port = port;
    }

    internal override async Task ServeAsync(Stream viewer, SimulatedVm vm, CancellationToken cancellationToken)
    {
        using var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(_host, _port, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            return; // xapi has already said 200: the viewer sees EOF.
        }

        // How it ended does not matter here: every end closes the tunnel, as xapi's splice does.
        _ = await StreamSplicer.SpliceAsync(viewer, client.GetStream(), SpliceOptions, cancellationToken).ConfigureAwait(false);
    }
}
