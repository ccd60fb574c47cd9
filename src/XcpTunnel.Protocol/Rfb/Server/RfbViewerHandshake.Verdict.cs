namespace XcpTunnel.Protocol.Rfb.Server;

public sealed partial class RfbViewerHandshake
{
    /// <summary>
    /// Tells the viewer its security phase succeeded and reads its ClientInit. The caller sends ServerInit next
    /// (the console's, relayed) on <see cref="Stream"/>.
    /// </summary>
    /// <returns>ClientInit's shared-flag: whether the viewer lets other viewers share the desktop.</returns>
    /// <exception cref="RfbViewerException">The viewer left, sent no ClientInit in time, or chose a type that was not offered.</exception>
    public async Task<bool> AdmitAsync(CancellationToken cancellationToken)
    {
        Require(Stage.AwaitingVerdict);
        _stage = Stage.Admitted;
        switch (_verdict)
        {
            case Verdict.SecurityResult:
                await WriteAsync(U32(SecurityResultOk), cancellationToken).ConfigureAwait(false);
                break;
            case Verdict.SecurityTypes:
                // 3.7 with None: the list, the viewer's choice, and no SecurityResult (RFC 6143 §7.2.1).
                await OfferAsync(RfbSecurityType.None, cancellationToken).ConfigureAwait(false);
                break;
            case Verdict.SecurityType33:
                await WriteAsync(U32((uint)RfbSecurityType.None), cancellationToken).ConfigureAwait(false);
                break;
        }

        // RFC 6143 §7.3.1 ClientInit: U8 shared-flag, non-zero to share the desktop with other viewers.
        byte[] clientInit = new byte[1];
        await ReadExactlyAsync(clientInit, "ClientInit", _options.MessageTimeout, cancellationToken).ConfigureAwait(false);
        return clientInit[0] != 0;
    }

    /// <summary>Sends the console's ServerInit, as it came, to the admitted viewer: the end of the handshake.</summary>
    /// <exception cref="RfbViewerException">The viewer left or read nothing in time.</exception>
    public async Task RelayServerInitAsync(ReadOnlyMemory<byte> serverInit, CancellationToken cancellationToken)
    {
        Require(Stage.Admitted);
        _stage = Stage.Ended;
        await WriteAsync(serverInit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Tells the viewer <paramref name="reason"/> in the form its version and the handshake's progress allow
    /// (greeting it first if nothing was sent yet), then the caller closes the connection. Best effort: a viewer
    /// that is gone, silent or already admitted is told nothing.
    /// </summary>
    /// <returns>Whether the reason was sent (a 3.3 or 3.7 viewer past a password only hears "failed").</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<bool> RefuseAsync(string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reason);
        try
        {
            if (_stage == Stage.Connected)
            {
                await GreetAsync(cancellationToken).ConfigureAwait(false);
            }

            // Only a 3.8 SecurityResult carries a reason; every other form of refusal does.
            bool carriesReason = _stage != Stage.AwaitingVerdict || _verdict != Verdict.SecurityResult || Version == RfbProtocolVersion.V3_8;
            byte[]? refusal = _stage switch
            {
                Stage.Greeted => await RefusalBeforeSecurityAsync(reason, cancellationToken).ConfigureAwait(false),
                Stage.AwaitingVerdict => _verdict switch
                {
                    Verdict.SecurityResult => FailedSecurityResult(reason),
                    Verdict.SecurityTypes => [0, .. RfbFailureReason.Encode(reason)],
                    _ => [.. U32((uint)RfbSecurityType.Invalid), .. RfbFailureReason.Encode(reason)],
                },
                _ => null,
            };
            _stage = Stage.Ended;
            if (refusal is null)
            {
                return false;
            }

            await WriteAsync(refusal, cancellationToken).ConfigureAwait(false);
            return carriesReason;
        }
        catch (RfbViewerException)
        {
            _stage = Stage.Ended;
            return false;
        }
    }

    // Nothing of the security phase was sent yet. 3.8: offer None and fail its SecurityResult with the reason,
    // the one form every viewer shows (gtk-vnc misreads an empty list); 3.7: the empty list and the reason;
    // 3.3: security type 0 (Invalid) and the reason.
    private async Task<byte[]> RefusalBeforeSecurityAsync(string reason, CancellationToken cancellationToken)
    {
        RfbProtocolVersion version = Version!.Value;
        if (version == RfbProtocolVersion.V3_8)
        {
            await WriteAsync(new byte[] { 1, (byte)RfbSecurityType.None }, cancellationToken).ConfigureAwait(false);
            byte[] choice = new byte[1];
            await ReadExactlyAsync(choice, "choice of security type", _options.MessageTimeout, cancellationToken).ConfigureAwait(false);
            return FailedSecurityResult(reason);
        }

        return version == RfbProtocolVersion.V3_7
            ? [0, .. RfbFailureReason.Encode(reason)]
            : [.. U32((uint)RfbSecurityType.Invalid), .. RfbFailureReason.Encode(reason)];
    }
}
