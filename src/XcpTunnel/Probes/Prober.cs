using XcpTunnel.Protocol;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Protocol.Rfb.Client;

namespace XcpTunnel.Probes;

/// <summary>
/// The headless probe: opens the target's RFB stream, runs the handshake as a shared viewer (so it never
/// disconnects anyone, docs/xapi-console-protocol.md "RFB from the consoles"), reads one full screen and judges the result. Never throws for a
/// failure on the way: every failure is a CRITICAL result with the reason.
/// </summary>
internal static class Prober
{
    public static async Task<ProbeResult> RunAsync(ProbeTarget target, ProbeOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        var time = options.TimeProvider;
        var started = time.GetTimestamp();
        var clock = new ProbeStageClock(time);
        using var deadline = new CancellationTokenSource(options.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var screen = await ReadScreenAsync(target, clock, options, linked.Token).ConfigureAwait(false);
            return ProbeVerdict.Judge(target.Name, clock.Completed, time.GetElapsedTime(started), screen, options);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Failed($"timed out after {Seconds(options.Timeout)} s in stage {clock.Current}");
        }
        catch (RfbAuthenticationException ex)
        {
            // A tunnel tells its failures (VM halted, login failed, …) as the RFB security failure reason.
            return Failed(ex.Message);
        }
        catch (Exception ex) when (ex is XcpTunnelException or TimeoutException or IOException)
        {
            return Failed(ex.Message);
        }

        ProbeResult Failed(string reason) =>
            new(target.Name, ProbeStatus.Critical, reason, clock.Completed, time.GetElapsedTime(started), Screen: null);
    }

    private static async Task<ProbeScreen> ReadScreenAsync(ProbeTarget target, ProbeStageClock clock, ProbeOptions options, CancellationToken cancellationToken)
    {
        var stream = await target.OpenAsync(clock, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            // The client's per-message timer is set past the probe's deadline: the deadline, with its message, always wins.
            var rfbOptions = new RfbClientOptions
            {
                MessageTimeout = options.Timeout + TimeSpan.FromSeconds(1),
                TimeProvider = options.TimeProvider,
                StageObserver = clock,
            };
            var client = await RfbClient.ConnectAsync(stream, rfbOptions, cancellationToken).ConfigureAwait(false);
            await using (client.ConfigureAwait(false))
            {
                clock.StageStarted(ProbeStages.FirstUpdate);
                var framebuffer = await client.ReadFullFramebufferAsync(cancellationToken).ConfigureAwait(false);
                clock.StageCompleted(ProbeStages.FirstUpdate);
                return ProbeScreen.Of(client.ServerInit.Name, framebuffer);
            }
        }
    }

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
