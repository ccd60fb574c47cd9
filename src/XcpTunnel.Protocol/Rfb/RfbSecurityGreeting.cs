using System.Diagnostics.CodeAnalysis;

namespace XcpTunnel.Protocol.Rfb;

/// <summary>
/// The server's first security message (RFC 6143 §7.1.2): either the security types it offers, or a
/// failure with the reason the server gives for refusing the connection.
/// </summary>
public sealed class RfbSecurityGreeting
{
    // RFC 6143 §7.1.2, version 3.3 — the server decides:
    //
    //   +--------------+--------------+---------------+
    //   | No. of bytes | Type         | Description   |
    //   +--------------+--------------+---------------+
    //   | 4            | U32          | security-type |
    //   +--------------+--------------+---------------+
    //
    //   security-type 0 (Invalid) = failure, followed by reason-length U32 + reason-string.
    //
    // Versions 3.7 and 3.8 — the server offers, the client picks:
    //
    //   +--------------------------+--------------+--------------------------+
    //   | No. of bytes             | Type         | Description              |
    //   +--------------------------+--------------+--------------------------+
    //   | 1                        | U8           | number-of-security-types |
    //   | number-of-security-types | U8 array     | security-types           |
    //   +--------------------------+--------------+--------------------------+
    //
    //   number-of-security-types 0 = failure, followed by reason-length U32 + reason-string.

    private const string ReasonName = "the RFB security failure reason";

    private RfbSecurityGreeting(IReadOnlyList<RfbSecurityType> securityTypes, string? failureReason)
    {
        SecurityTypes = securityTypes;
        FailureReason = failureReason;
    }

    /// <summary>
    /// The security types the server offers, in its order of preference; one type in 3.3 (the server's
    /// choice). Never contains <see cref="RfbSecurityType.Invalid"/>. Empty when <see cref="IsFailure"/>.
    /// </summary>
    public IReadOnlyList<RfbSecurityType> SecurityTypes { get; }

    /// <summary>Why the server refused the connection, as it said it; null unless <see cref="IsFailure"/>.</summary>
    public string? FailureReason { get; }

    /// <summary>Whether the server refused the connection instead of offering security types.</summary>
    [MemberNotNullWhen(true, nameof(FailureReason))]
    public bool IsFailure => FailureReason is not null;

    /// <summary>
    /// Reads the security greeting in the form of the <paramref name="negotiated"/> version (the
    /// version the client replied). Reads exactly the message, nothing after it.
    /// </summary>
    /// <exception cref="RfbProtocolException">
    /// The message is malformed (a 3.3 type above 255, a 3.7+ list containing Invalid, a reason longer
    /// than 64 KiB) or the connection closed in the middle of it.
    /// </exception>
    public static async ValueTask<RfbSecurityGreeting> ReadAsync(Stream stream, RfbProtocolVersion negotiated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return negotiated.UsesVersion33Handshake
            ? await ReadVersion33Async(stream, cancellationToken).ConfigureAwait(false)
            : await ReadVersion37Async(stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Describes the greeting for a log line.</summary>
    public override string ToString() =>
        IsFailure ? $"failure: {FailureReason}" : $"offers {string.Join(", ", SecurityTypes)}";

    private static async ValueTask<RfbSecurityGreeting> ReadVersion33Async(Stream stream, CancellationToken cancellationToken)
    {
        uint type = await RfbWire.ReadUInt32Async(stream, "the RFB 3.3 security type", cancellationToken).ConfigureAwait(false);
        if (type == (uint)RfbSecurityType.Invalid)
        {
            return await ReadFailureAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        // The RFC allows only 1 and 2 here, but old UltraVNC and Apple servers send other types; the
        // caller decides whether it can use them. Above 255 it cannot be a security type at all.
        if (type > byte.MaxValue)
        {
            throw new RfbProtocolException($"invalid RFB 3.3 security type {type}");
        }

        return new RfbSecurityGreeting([(RfbSecurityType)type], failureReason: null);
    }

    private static async ValueTask<RfbSecurityGreeting> ReadVersion37Async(Stream stream, CancellationToken cancellationToken)
    {
        byte count = await RfbWire.ReadByteAsync(stream, "the RFB number-of-security-types", cancellationToken).ConfigureAwait(false);
        if (count == 0)
        {
            return await ReadFailureAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        byte[] types = new byte[count];
        await RfbWire.ReadExactlyAsync(stream, types, "the RFB security-types", cancellationToken).ConfigureAwait(false);
        if (Array.IndexOf(types, (byte)RfbSecurityType.Invalid) >= 0)
        {
            throw new RfbProtocolException(
                $"the server offered security type 0 (Invalid) among [{string.Join(", ", types)}]");
        }

        return new RfbSecurityGreeting(Array.ConvertAll(types, type => (RfbSecurityType)type), failureReason: null);
    }

    private static async ValueTask<RfbSecurityGreeting> ReadFailureAsync(Stream stream, CancellationToken cancellationToken)
    {
        string reason = await RfbFailureReason.ReadAsync(stream, ReasonName, cancellationToken).ConfigureAwait(false);
        return new RfbSecurityGreeting([], reason);
    }
}
