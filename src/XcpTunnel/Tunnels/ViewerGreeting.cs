using XcpTunnel.Protocol.Rfb;

namespace XcpTunnel.Tunnels;

/// <summary>
/// What a viewer has seen of the RFB handshake so far, which decides how a failure can still be told
/// to it: before anything, the daemon greets it itself; after the server's ProtocolVersion and the
/// viewer's reply, the failure takes the place of the security greeting; after that, only closing is left.
/// </summary>
internal sealed class ViewerGreeting(Stream viewer)
{
    public Stream Stream => viewer;

    /// <summary>The server's ProtocolVersion has been forwarded to the viewer.</summary>
    public bool ServerVersionSent { get; private set; }

    /// <summary>The version the viewer replied, once read (valid RFB, even if then refused).</summary>
    public RfbProtocolVersion? ViewerVersion { get; private set; }

    /// <summary>The security greeting reached the viewer: the handshake is no longer ours to fail.</summary>
    public bool SecurityGreetingSent { get; private set; }

    public async Task SendServerVersionAsync(RfbProtocolVersion server, CancellationToken cancellationToken)
    {
        ServerVersionSent = true;
        await server.WriteAsync(viewer, cancellationToken).ConfigureAwait(false);
    }

    public void AcceptViewerVersion(RfbProtocolVersion version) => ViewerVersion = version;

    public async Task SendSecurityGreetingAsync(byte[] greeting, CancellationToken cancellationToken)
    {
        SecurityGreetingSent = true;
        await viewer.WriteAsync(greeting, cancellationToken).ConfigureAwait(false);
        await viewer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Tells the viewer <paramref name="reason"/> in RFB if it can still be told; best effort and bounded
    /// by <paramref name="timeout"/>. Returns whether the reason was sent.
    /// </summary>
    public async Task<bool> TellFailureAsync(string reason, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (SecurityGreetingSent)
        {
            return false;
        }

        if (!ServerVersionSent)
        {
            SecurityGreetingSent = true;
            return await RfbFailureGreeting.TellViewerAsync(viewer, reason, timeout, cancellationToken).ConfigureAwait(false);
        }

        if (ViewerVersion is not { } version)
        {
            // The viewer's reply was missing or not RFB: there is no form it would understand.
            return false;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await SendSecurityGreetingAsync(RfbFailureGreeting.Encode(version, reason), deadline.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
