using System.Security.Cryptography;

namespace XcpTunnel.Protocol.Rfb.Server;

public sealed partial class RfbViewerHandshake
{
    // RFC 6143 §7.1.2, what the tunnel sends for its one security type T:
    //
    //   viewer chose 3.7 or 3.8        viewer chose 3.3
    //   +-----+--------------+         +-------------+
    //   | U8  | 1            |         | U32 | T     |   (the server decides; the
    //   | U8  | T            |         +-------------+    viewer sends no choice)
    //   +-----+--------------+
    //   then the viewer's U8 choice
    //
    // T = None (1), VNC Authentication (2) or VeNCrypt (19), as the tunnel is configured.

    /// <summary>
    /// Runs the security phase up to the verdict: after it returns the viewer has proved what the tunnel asks
    /// (a password, TLS) and waits for <see cref="AdmitAsync"/> or <see cref="RefuseAsync"/>, and
    /// <see cref="ViewerGone"/> watches for its departure.
    /// </summary>
    /// <exception cref="RfbViewerException">
    /// The viewer failed the phase: wrong password (it has been told, after
    /// <see cref="RfbViewerHandshakeOptions.FailedPasswordDelay"/>), no TLS, a choice that was not offered,
    /// silence, or a version that cannot carry the tunnel's security (told too).
    /// </exception>
    public async Task AuthenticateAsync(CancellationToken cancellationToken)
    {
        Require(Stage.Greeted);
        RfbProtocolVersion version = Version!.Value;
        RfbSecurityType type = _security.Type;
        if (version.UsesVersion33Handshake)
        {
            if (type == RfbSecurityType.VeNCrypt)
            {
                // VeNCrypt needs the 3.7 list: a 3.3 server may only pick None or VNC Authentication.
                const string Reason = "this tunnel requires VeNCrypt (TLS), which an RFB 3.3 viewer cannot speak; use a viewer with RFB 3.7 or later";
                await RefuseAsync(Reason, cancellationToken).ConfigureAwait(false);
                throw new RfbViewerException(RfbViewerFailure.Unsupported, Reason);
            }

            if (type == RfbSecurityType.None)
            {
                // Held back: the verdict sends type 1, or type 0 with the reason.
                AwaitVerdict(Verdict.SecurityType33);
                return;
            }

            await WriteAsync(U32((uint)type), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (type == RfbSecurityType.None && version == RfbProtocolVersion.V3_7)
            {
                // Held back: 3.7 has no SecurityResult after None, so only the list itself can still carry a reason.
                AwaitVerdict(Verdict.SecurityTypes);
                return;
            }

            await OfferAsync(type, cancellationToken).ConfigureAwait(false);
        }

        if (type == RfbSecurityType.VeNCrypt)
        {
            await NegotiateVeNCryptAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_security.Password is { } password)
        {
            await CheckPasswordAsync(password, cancellationToken).ConfigureAwait(false);
        }

        AwaitVerdict(Verdict.SecurityResult);
    }

    private void AwaitVerdict(Verdict verdict)
    {
        _verdict = verdict;
        _stage = Stage.AwaitingVerdict;
        WatchForDeparture();
    }

    /// <summary>Offers <paramref name="type"/> alone in the 3.7/3.8 form and reads the viewer's choice, which must be it.</summary>
    private async Task OfferAsync(RfbSecurityType type, CancellationToken cancellationToken)
    {
        await WriteAsync(new byte[] { 1, (byte)type }, cancellationToken).ConfigureAwait(false);
        byte[] choice = new byte[1];
        await ReadExactlyAsync(choice, "choice of security type", _options.MessageTimeout, cancellationToken).ConfigureAwait(false);
        if (choice[0] != (byte)type)
        {
            throw new RfbViewerException(
                RfbViewerFailure.ProtocolError, $"the viewer chose security type {choice[0]}; the tunnel offered only {(byte)type} ({type})");
        }
    }

    // RFC 6143 §7.2.2 VNC Authentication:
    //
    //   server → viewer  16 bytes  challenge (random)
    //   viewer → server  16 bytes  the challenge DES-encrypted with the password as key
    //
    // then the SecurityResult, which here is the verdict.
    private async Task CheckPasswordAsync(RfbPassword password, CancellationToken cancellationToken)
    {
        byte[] challenge = RandomNumberGenerator.GetBytes(RfbVncAuthentication.ChallengeLength);
        await WriteAsync(challenge, cancellationToken).ConfigureAwait(false);
        byte[] response = new byte[RfbVncAuthentication.ChallengeLength];
        await ReadExactlyAsync(response, "VNC Authentication response", _options.PasswordTimeout, cancellationToken).ConfigureAwait(false);
        if (CryptographicOperations.FixedTimeEquals(response, RfbVncAuthentication.Respond(password, challenge)))
        {
            return;
        }

        await Task.Delay(_options.FailedPasswordDelay, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        _stage = Stage.Ended;
        await WriteAsync(FailedSecurityResult("wrong VNC password"), cancellationToken).ConfigureAwait(false);
        throw new RfbViewerException(RfbViewerFailure.AuthenticationFailed, "the viewer gave a wrong VNC password");
    }
}
