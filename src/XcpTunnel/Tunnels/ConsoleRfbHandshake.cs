using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Protocol.Rfb.Client;

namespace XcpTunnel.Tunnels;

/// <summary>
/// The tunnel as the console's RFB client: version and security None before the viewer is admitted (so a
/// console that does not speak is told to the viewer as a reason), then the viewer's ClientInit and the console's
/// ServerInit once it is. The console's version and the viewer's are independent: vncterm gets 3.3, qemu 3.8,
/// whatever the viewer chose (docs/rfb.md, "Consoles").
/// </summary>
internal static class ConsoleRfbHandshake
{
    /// <summary>Reads the console's version, replies, and runs security None; each stage within <paramref name="timeout"/>.</summary>
    /// <exception cref="ConsoleRfbException">The console sent no valid version or greeting in time, or wants a password.</exception>
    public static async Task NegotiateAsync(Stream console, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var version = await StageAsync(
            "the console's RFB ProtocolVersion", timeout, time,
            ct => RfbClientHandshake.NegotiateVersionAsync(console, console, ct), cancellationToken).ConfigureAwait(false);
        await StageAsync(
            "the console's RFB security handshake", timeout, time,
            ct => RfbClientHandshake.NegotiateSecurityAsync(console, console, version, password: null, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends ClientInit with the viewer's <paramref name="shared"/> flag and reads ServerInit, to be relayed as it came.</summary>
    /// <exception cref="ConsoleRfbException">No valid ServerInit in time.</exception>
    public static Task<(RfbServerInit Init, byte[] Wire)> InitialiseAsync(
        Stream console, bool shared, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken) =>
        StageAsync(
            "the console's ServerInit", timeout, time,
            async ct =>
            {
                await console.WriteAsync(new[] { shared ? (byte)1 : (byte)0 }, ct).ConfigureAwait(false);
                await console.FlushAsync(ct).ConfigureAwait(false);
                return await RfbServerInit.ReadAsync(console, ct).ConfigureAwait(false);
            },
            cancellationToken);

    private static async Task<T> StageAsync<T>(
        string what, TimeSpan timeout, TimeProvider time, Func<CancellationToken, Task<T>> run, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await run(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ConsoleRfbException($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}");
        }
        catch (RfbProtocolException ex)
        {
            throw new ConsoleRfbException($"bad {what}: {ex.Message}", ex);
        }
        catch (RfbAuthenticationException ex)
        {
            throw new ConsoleRfbException($"the console refused the connection: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new ConsoleRfbException($"connection lost while waiting for {what}", ex);
        }
    }
}
