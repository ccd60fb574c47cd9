using System.Text;

namespace XcpTunnel.Simulator.Backends;

/// <summary>
/// A <c>vt100</c> console: raw terminal bytes, no RFB. It prints a login banner and swallows input, so a client
/// that tunnels the wrong console sees text where it expected <c>RFB 003.00x</c>.
/// </summary>
internal sealed class Vt100Backend : ConsoleBackend
{
    public static Vt100Backend Instance { get; } = new();

    internal override async Task ServeAsync(Stream viewer, SimulatedVm vm, CancellationToken cancellationToken)
    {
        byte[] banner = Encoding.ASCII.GetBytes("\r\n" + vm.NameLabel + " login: ");
        await viewer.WriteAsync(banner, cancellationToken).ConfigureAwait(false);
        await viewer.FlushAsync(cancellationToken).ConfigureAwait(false);
        byte[] sink = new byte[256];
        while (await viewer.ReadAsync(sink, cancellationToken).ConfigureAwait(false) > 0)
        {
        }
    }
}
