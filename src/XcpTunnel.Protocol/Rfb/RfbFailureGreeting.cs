namespace XcpTunnel.Protocol.Rfb;

/// <summary>
/// Tells a VNC viewer, in its own protocol, why it cannot connect: when the daemon cannot reach the
/// console (VM stopped, host down, access denied), the viewer shows this reason instead of an
/// unexplained disconnect.
/// </summary>
public static class RfbFailureGreeting
{
    // What the viewer receives after the ProtocolVersion exchange (RFC 6143 §7.1.2):
    //
    //   viewer chose 3.3 (or any version treated as 3.3):
    //   +--------------+--------------+---------------------------------+
    //   | No. of bytes | Type [Value] | Description                     |
    //   +--------------+--------------+---------------------------------+
    //   | 4            | U32 [0]      | security-type Invalid           |
    //   | 4            | U32          | reason-length                   |
    //   | reason-length| U8 array     | reason-string                   |
    //   +--------------+--------------+---------------------------------+
    //
    //   viewer chose 3.7 or 3.8:
    //   +--------------+--------------+---------------------------------+
    //   | 1            | U8 [0]       | number-of-security-types        |
    //   | 4            | U32          | reason-length                   |
    //   | reason-length| U8 array     | reason-string                   |
    //   +--------------+--------------+---------------------------------+

    /// <summary>The version the daemon offers to viewers: 3.8, the newest one RFC 6143 defines.</summary>
    public static RfbProtocolVersion ServerVersion => RfbProtocolVersion.V3_8;

    /// <summary>
    /// The server-side security failure message for a viewer that chose <paramref name="viewerVersion"/>:
    /// the 3.3 form (U32 0) or the 3.7/3.8 form (U8 0), then the reason in UTF-8, cut to 1024 bytes at a
    /// character boundary.
    /// </summary>
    public static byte[] Encode(RfbProtocolVersion viewerVersion, string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        byte[] reasonField = RfbFailureReason.Encode(reason);
        int headerLength = viewerVersion.UsesVersion33Handshake ? sizeof(uint) : sizeof(byte);

        // Both headers are all zeros: security-type 0 (U32) or number-of-security-types 0 (U8).
        byte[] message = new byte[headerLength + reasonField.Length];
        reasonField.CopyTo(message, headerLength);
        return message;
    }

    /// <summary>
    /// Greets a just-connected viewer with <c>RFB 003.008\n</c>, reads the version it chooses and sends the
    /// security failure with <paramref name="reason"/> in that version's form. The caller closes the stream
    /// afterwards. Best effort: a viewer that replies garbage, a version above 3.8, nothing within
    /// <paramref name="timeout"/>, or goes away, gets nothing more, and the method returns false.
    /// </summary>
    /// <returns>True when the viewer was sent the reason.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<bool> TellViewerAsync(Stream viewer, string reason, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(reason);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await ServerVersion.WriteAsync(viewer, deadline.Token).ConfigureAwait(false);
            RfbProtocolVersion viewerVersion = RfbProtocolVersion.Negotiate(
                ServerVersion,
                await RfbProtocolVersion.ReadAsync(viewer, deadline.Token).ConfigureAwait(false));

            await viewer.WriteAsync(Encode(viewerVersion, reason), deadline.Token).ConfigureAwait(false);
            await viewer.FlushAsync(deadline.Token).ConfigureAwait(false);
            return true;
        }
        catch (RfbProtocolException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
