using XcpTunnel.Protocol.Rfb;

namespace XcpTunnel.Tunnels;

/// <summary>
/// Relays the RFB handshake between a viewer and a console, checking each message, up to the point
/// where the bytes can simply be spliced (PRODUCT.md, Per-connection behaviour):
/// server ProtocolVersion → viewer; viewer ProtocolVersion (never above the server's) → server;
/// server security greeting → viewer. Checking here lets a broken console or a confused viewer
/// fail with a reason instead of a silent hang, and lets the daemon speak to the viewer in RFB
/// until the greeting is through.
/// </summary>
internal static class RfbHandshakeRelay
{
    /// <summary>Runs the relay; each message has <paramref name="messageTimeout"/>.</summary>
    /// <returns>The version the viewer and the console agreed on.</returns>
    /// <exception cref="TunnelHandshakeException">A message was missing, malformed or not allowed.</exception>
    public static async Task<RfbProtocolVersion> RelayAsync(
        ViewerGreeting viewer, Stream console, TimeSpan messageTimeout, CancellationToken cancellationToken)
    {
        var server = await StageAsync(
            "the console's RFB ProtocolVersion", messageTimeout,
            ct => RfbProtocolVersion.ReadAsync(console, ct).AsTask(), cancellationToken).ConfigureAwait(false);
        await viewer.SendServerVersionAsync(server, cancellationToken).ConfigureAwait(false);

        var client = await StageAsync(
            "the viewer's RFB ProtocolVersion", messageTimeout,
            ct => RfbProtocolVersion.ReadAsync(viewer.Stream, ct).AsTask(), cancellationToken).ConfigureAwait(false);
        // Even a version we refuse says which form of failure greeting the viewer will read.
        viewer.AcceptViewerVersion(client);
        if (client > server)
        {
            throw new TunnelHandshakeException($"the viewer asked for RFB {client}, above the console's RFB {server}");
        }

        await client.WriteAsync(console, cancellationToken).ConfigureAwait(false);

        var greeting = await StageAsync(
            "the console's RFB security greeting", messageTimeout,
            ct => RfbSecurityGreeting.ReadAsync(console, client, ct).AsTask(), cancellationToken).ConfigureAwait(false);
        if (greeting.IsFailure)
        {
            // The console's own reason reaches the viewer as the console said it.
            await viewer.SendSecurityGreetingAsync(greeting.Encode(client), cancellationToken).ConfigureAwait(false);
            throw new TunnelHandshakeException($"the console refused the connection: {greeting.FailureReason}");
        }

        await viewer.SendSecurityGreetingAsync(greeting.Encode(client), cancellationToken).ConfigureAwait(false);
        return client;
    }

    private static async Task<T> StageAsync<T>(
        string what, TimeSpan timeout, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await read(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TunnelHandshakeException($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}");
        }
        catch (RfbProtocolException ex)
        {
            throw new TunnelHandshakeException($"bad {what}: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new TunnelHandshakeException($"connection lost while waiting for {what}", ex);
        }
    }
}
