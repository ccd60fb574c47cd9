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
        ArgumentNullException.ThrowIfNull(clock);
        var timings = new ConsoleDialTimings();
        clock.Entering(ProbeStages.Xapi);
        try
        {
            var console = await dialer.DialAsync(vm, timings, cancellationToken).ConfigureAwait(false);
            Record(clock, timings);
            return console.Stream;
        }
        catch
        {
            Record(clock, timings);
            throw;
        }
    }

    // The dialer fills a stage once it completes: the first one missing is where it stopped.
    private static void Record(ProbeStageClock clock, ConsoleDialTimings timings)
    {
        foreach (var (stage, duration) in new[] { (ProbeStages.Xapi, timings.Resolve), (ProbeStages.Tls, timings.Tls), (ProbeStages.Connect, timings.Connect) })
        {
            if (duration is null)
            {
                clock.Entering(stage);
                return;
            }

            clock.Add(stage, duration.Value);
        }

        // Past the CONNECT the dial waits for the VNC server's first bytes: the RFB handshake's time.
        clock.Entering("rfb handshake");
    }
}
