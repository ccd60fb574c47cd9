using System.Diagnostics.CodeAnalysis;

namespace XcpTunnel.Protocol.Rfb;

/// <summary>
/// The server's verdict after a security type ran (RFC 6143 §7.1.3). Not sent for security type None
/// in 3.3 and 3.7 — the caller knows whether to read one.
/// </summary>
public sealed class RfbSecurityResult
{
    // RFC 6143 §7.1.3 SecurityResult:
    //
    //   +--------------+--------------+-------------+
    //   | No. of bytes | Type [Value] | Description |
    //   +--------------+--------------+-------------+
    //   | 4            | U32          | status:     |
    //   |              | 0            | OK          |
    //   |              | 1            | failed      |
    //   +--------------+--------------+-------------+
    //
    //   3.8 only, when status is not OK: reason-length U32 + reason-string.
    //   Status 2 ("failed, too many attempts") comes from the 3.3 and 3.7 specifications.

    private const uint StatusOk = 0;
    private const uint StatusFailed = 1;
    private const uint StatusTooManyAttempts = 2;

    private RfbSecurityResult(bool succeeded, bool tooManyAttempts, string? failureReason)
    {
        Succeeded = succeeded;
        TooManyAttempts = tooManyAttempts;
        FailureReason = failureReason;
    }

    /// <summary>Whether the server accepted the client's authentication.</summary>
    [MemberNotNullWhen(false, nameof(FailureReason))]
    public bool Succeeded { get; }

    /// <summary>Whether the server refused with status 2, "too many attempts" (pre-3.8 servers).</summary>
    public bool TooManyAttempts { get; }

    /// <summary>
    /// Why the server refused: its reason in 3.8, empty in 3.3 and 3.7 (which send none); null when
    /// <see cref="Succeeded"/>.
    /// </summary>
    public string? FailureReason { get; }

    /// <summary>
    /// Reads a SecurityResult in the form of the <paramref name="negotiated"/> version. Reads exactly the
    /// message, nothing after it.
    /// </summary>
    /// <exception cref="RfbProtocolException">
    /// The status is not 0, 1 or 2, a 3.8 reason is longer than 64 KiB, or the connection closed in the
    /// middle of the message.
    /// </exception>
    public static async ValueTask<RfbSecurityResult> ReadAsync(Stream stream, RfbProtocolVersion negotiated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        uint status = await RfbWire.ReadUInt32Async(stream, "the RFB SecurityResult", cancellationToken).ConfigureAwait(false);
        switch (status)
        {
            case StatusOk:
                return new RfbSecurityResult(succeeded: true, tooManyAttempts: false, failureReason: null);
            case StatusFailed or StatusTooManyAttempts:
                string reason = negotiated.HasSecurityResultReason
                    ? await RfbFailureReason.ReadAsync(stream, "the RFB SecurityResult failure reason", cancellationToken).ConfigureAwait(false)
                    : string.Empty;
                return new RfbSecurityResult(succeeded: false, status == StatusTooManyAttempts, reason);
            default:
                throw new RfbProtocolException($"invalid RFB SecurityResult status {status}");
        }
    }

    /// <summary>Describes the result for a log line.</summary>
    public override string ToString() =>
        Succeeded ? "OK" : $"failed{(TooManyAttempts ? " (too many attempts)" : "")}: {FailureReason}";
}
