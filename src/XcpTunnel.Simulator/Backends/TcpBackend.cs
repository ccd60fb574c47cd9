using System.Net.Sockets;
using XcpTunnel.Simulator.Connect;

namespace XcpTunnel.Simulator.Backends;

/// <summary>Splices the tunnel to a real RFB server over plain TCP, as xapi splices to qemu's or vncterm's port.</summary>
/// <remarks>
/// The splice is the simulator's own, not XcpTunnel's: a bug in the tunnel's splice must not sit on the pool's side
/// of every end-to-end test too. Each direction copies until its source ends, then closes the other side's sending
/// half, so bytes in flight still arrive; a failure in either direction ends both.
/// </remarks>
internal sealed class TcpBackend : ConsoleBackend
{
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

        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var server = client.GetStream();
        Task toServer = CopyAsync(viewer, server, () =>
        {
            client.Client.Shutdown(SocketShutdown.Send);
            return Task.CompletedTask;
        }, both.Token);
        Task toViewer = CopyAsync(server, viewer, () => (viewer as TunnelStream)?.CloseSendingAsync() ?? Task.CompletedTask, both.Token);
        Task first = await Task.WhenAny(toServer, toViewer).ConfigureAwait(false);
        if (!first.IsCompletedSuccessfully)
        {
            await both.CancelAsync().ConfigureAwait(false);
        }

        // How it ended does not matter here: every end closes the tunnel, as xapi's splice does.
        await Task.WhenAll(toServer, toViewer).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private static async Task CopyAsync(Stream from, Stream to, Func<Task> closeSending, CancellationToken cancellationToken)
    {
        await from.CopyToAsync(to, cancellationToken).ConfigureAwait(false);
        await closeSending().ConfigureAwait(false);
    }
}
