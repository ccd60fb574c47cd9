namespace XcpTunnel.Protocol.Rfb.Client;

/// <summary>
/// The client's half of the RFB handshake up to ClientInit (RFC 6143 §7.1–7.2): ProtocolVersion, the security
/// greeting, the chosen security type (None, or VNC Authentication when a password is given), SecurityResult.
/// Shared by the headless <see cref="RfbClient"/> and by the tunnel, which is a client of the console.
/// </summary>
/// <remarks>
/// No deadlines of its own: the caller bounds the whole exchange (or every read, as <see cref="RfbClient"/>'s
/// buffered reader does). Reads go to <c>input</c> and writes to <c>output</c>, which may be two views of one
/// connection (a buffered reader in front of the socket, say).
/// </remarks>
public static class RfbClientHandshake
{
    /// <summary>
    /// Reads the server's ProtocolVersion and replies with the highest version both speak, never above the
    /// server's (vncterm closes on a 3.8 reply to its 3.3). Returns the version the session speaks.
    /// </summary>
    /// <param name="input">Where the server's messages are read from.</param>
    /// <param name="output">Where the client's messages are written (and flushed).</param>
    /// <param name="cancellationToken">Cancels the exchange.</param>
    /// <exception cref="RfbProtocolException">The server sent no valid ProtocolVersion or closed the connection.</exception>
    public static async Task<RfbProtocolVersion> NegotiateVersionAsync(Stream input, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        RfbProtocolVersion server = await RfbProtocolVersion.ReadAsync(input, cancellationToken).ConfigureAwait(false);
        RfbProtocolVersion version = RfbProtocolVersion.ChooseClientReply(server);
        await version.WriteAsync(output, cancellationToken).ConfigureAwait(false);
        return version;
    }

    /// <summary>
    /// Runs the security phase of <paramref name="version"/>: reads the greeting, picks None (or VNC
    /// Authentication when only that is offered and a password is given), and reads SecurityResult where that
    /// version sends one. Returns the security type that ran; the next message is the client's ClientInit.
    /// </summary>
    /// <param name="input">Where the server's messages are read from.</param>
    /// <param name="output">Where the client's messages are written (and flushed).</param>
    /// <param name="version">The version <see cref="NegotiateVersionAsync"/> settled on.</param>
    /// <param name="password">The password for VNC Authentication; null offers only None.</param>
    /// <param name="cancellationToken">Cancels the exchange.</param>
    /// <exception cref="RfbProtocolException">The server broke the protocol or closed the connection.</exception>
    /// <exception cref="RfbAuthenticationException">
    /// The server refused the connection, rejected the password, or asks for a security type this client lacks.
    /// </exception>
    public static async Task<RfbSecurityType> NegotiateSecurityAsync(
        Stream input, Stream output, RfbProtocolVersion version, RfbPassword? password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        RfbSecurityGreeting greeting = await RfbSecurityGreeting.ReadAsync(input, version, cancellationToken).ConfigureAwait(false);
        if (greeting.IsFailure)
        {
            throw new RfbAuthenticationException($"the RFB server refused the connection: {greeting.FailureReason}");
        }

        RfbSecurityType security = Choose(greeting.SecurityTypes, password);
        if (!version.UsesVersion33Handshake)
        {
            await WriteAsync(output, [(byte)security], cancellationToken).ConfigureAwait(false);
        }

        if (security == RfbSecurityType.VncAuthentication)
        {
            byte[] challenge = new byte[RfbVncAuthentication.ChallengeLength];
            await RfbWire.ReadExactlyAsync(input, challenge, "the VNC Authentication challenge", cancellationToken).ConfigureAwait(false);
            await WriteAsync(output, RfbVncAuthentication.Respond(password!, challenge), cancellationToken).ConfigureAwait(false);
        }
        else if (version != RfbProtocolVersion.V3_8)
        {
            // Security type None has a SecurityResult only in 3.8 (RFC 6143 §7.2.1).
            return security;
        }

        RfbSecurityResult result = await RfbSecurityResult.ReadAsync(input, version, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            string reason = result.FailureReason.Length > 0 ? result.FailureReason : "no reason given";
            throw new RfbAuthenticationException($"the RFB server rejected {security}: {reason}");
        }

        return security;
    }

    private static RfbSecurityType Choose(IReadOnlyList<RfbSecurityType> offered, RfbPassword? password)
    {
        if (offered.Contains(RfbSecurityType.None))
        {
            return RfbSecurityType.None;
        }

        if (offered.Contains(RfbSecurityType.VncAuthentication))
        {
            return password is not null
                ? RfbSecurityType.VncAuthentication
                : throw new RfbAuthenticationException("the RFB server requires VNC Authentication and no password was given");
        }

        throw new RfbAuthenticationException(
            $"the RFB server offers only security types the client does not support: {string.Join(", ", offered)}");
    }

    private static async ValueTask WriteAsync(Stream output, byte[] message, CancellationToken cancellationToken)
    {
        await output.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
