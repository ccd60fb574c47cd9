using XcpTunnel.Protocol.Consoles;

namespace XcpTunnel.Probes;

/// <summary>
/// A VM's console reached the way a tunnel reaches it (XAPI, TLS, CONNECT) but without a tunnel: the probe
/// is no viewer connection, so it counts in no tunnel's connections or listener numbers.
/// </summary>
internal sealed class XapiProbeTarget(string name, ConsoleDialer dialer, string vm) : ProbeTarget(name)
{
    public override async Task<Stream> OpenAsync(ProbeStageClock clock, CancellationToken cancellationToken)
    {
        var console = await dialer.DialAsync(vm, clock, cancellationToken).ConfigureAwait(false);
        return console.Stream;
    }
}
