using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace XcpTunnel.Protocol.Rfb;

/// <summary>
/// An RFB protocol version as exchanged in the ProtocolVersion handshake (RFC 6143 §7.1.1): the server
/// sends the highest version it speaks, the client replies with the version both will use.
/// </summary>
public readonly record struct RfbProtocolVersion : IComparable<RfbProtocolVersion>
{
    // RFC 6143 §7.1.1 ProtocolVersion, sent by the server, then by the client:
    //
    //   +---+---+---+---+---+---+---+---+---+---+---+----+
    //   | R | F | B | ' '| x | x | x | . | y | y | y | \n |
    //   +---+---+---+---+---+---+---+---+---+---+---+----+
    //     0   1   2   3   4   5   6   7   8   9  10  11
    //
    //   xxx = major, yyy = minor: three ASCII digits each, zero-padded ("RFB 003.008\n").

    /// <summary>The size of a ProtocolVersion message on the wire: always 12 bytes.</summary>
    public const int WireLength = 12;

    private const int MaxComponent = 999;
    private const int MajorOffset = 4;
    private const int MinorOffset = 8;
    private const int DigitCount = 3;

    // "V38" could be 3.8 or 38; the underscore stands for the dot.
    private const string VersionNameJustification = "V3_8 reads as RFB 3.8; V38 would not.";

    /// <summary>RFB 3.3: the server picks the security type. vncterm speaks only this (docs/xapi-console-protocol.md, "RFB from the consoles").</summary>
    [SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = VersionNameJustification)]
    public static readonly RfbProtocolVersion V3_3 = new(3, 3);

    /// <summary>RFB 3.7: the server offers a list of security types; no failure reason in SecurityResult.</summary>
    [SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = VersionNameJustification)]
    public static readonly RfbProtocolVersion V3_7 = new(3, 7);

    /// <summary>RFB 3.8: like 3.7, plus a reason when SecurityResult reports failure. qemu offers this.</summary>
    [SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = VersionNameJustification)]
    public static readonly RfbProtocolVersion V3_8 = new(3, 8);

    /// <summary>Creates a version; each part must fit the wire's three digits (0 to 999).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A part is negative or above 999.</exception>
    public RfbProtocolVersion(int major, int minor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(major);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(major, MaxComponent);
        ArgumentOutOfRangeException.ThrowIfNegative(minor);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minor, MaxComponent);
        Major = major;
        Minor = minor;
    }

    /// <summary>The major version (3 for every real VNC server).</summary>
    public int Major { get; }

    /// <summary>The minor version.</summary>
    public int Minor { get; }

    /// <summary>
    /// Whether a session at this version runs the RFB 3.3 security handshake: the server sends one U32
    /// security type, and security type None has no SecurityResult. RFC 6143 §7.1.1 defines only 3.3,
    /// 3.7 and 3.8 and says any other version must be treated as 3.3 — e.g. 3.4 (which vncterm accepts),
    /// 3.5 (old Apple servers) and 3.889 (Apple Remote Desktop).
    /// </summary>
    public bool UsesVersion33Handshake => this != V3_7 && this != V3_8;

    /// <summary>Whether SecurityResult carries a failure reason at this version (3.8 only, RFC 6143 §7.1.3).</summary>
    public bool HasSecurityResultReason => this == V3_8;

    /// <summary>
    /// Checks the version a client replied against the version the server offered and returns the
    /// version the session then speaks (the client's).
    /// </summary>
    /// <exception cref="RfbProtocolException">The client replied with a version above the server's.</exception>
    public static RfbProtocolVersion Negotiate(RfbProtocolVersion server, RfbProtocolVersion client)
    {
        if (client > server)
        {
            throw new RfbProtocolException(
                $"the client replied RFB {client} to a server that offered RFB {server}; a client must never reply with a higher version");
        }

        return client;
    }

    /// <summary>
    /// The version a client that speaks 3.3, 3.7 and 3.8 replies to a server that offered
    /// <paramref name="server"/>: the highest of those not above the server's. vncterm's 3.3 gets 3.3
    /// (it closes on a 3.8 reply); qemu's 3.8 gets 3.8; 3.4, 3.5 get 3.3; 3.889 and 4.x+ get 3.8.
    /// </summary>
    /// <exception cref="RfbProtocolException">The server offered a version below 3.3.</exception>
    public static RfbProtocolVersion ChooseClientReply(RfbProtocolVersion server)
    {
        if (server >= V3_8)
        {
            return V3_8;
        }

        if (server >= V3_7)
        {
            return V3_7;
        }

        if (server >= V3_3)
        {
            return V3_3;
        }

        throw new RfbProtocolException($"the server offered RFB {server}, below 3.3, the oldest version there is");
    }

    /// <summary>Parses exactly 12 bytes <c>RFB xxx.yyy\n</c>; returns false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out RfbProtocolVersion version)
    {
        version = default;
        if (bytes.Length != WireLength
            || !bytes.StartsWith("RFB "u8)
            || bytes[MajorOffset + DigitCount] != (byte)'.'
            || bytes[WireLength - 1] != (byte)'\n'
            || !TryParseComponent(bytes.Slice(MajorOffset, DigitCount), out int major)
            || !TryParseComponent(bytes.Slice(MinorOffset, DigitCount), out int minor))
        {
            return false;
        }

        version = new RfbProtocolVersion(major, minor);
        return true;
    }

    /// <summary>Parses exactly 12 bytes <c>RFB xxx.yyy\n</c>.</summary>
    /// <exception cref="RfbProtocolException">The bytes are not a ProtocolVersion message.</exception>
    public static RfbProtocolVersion Parse(ReadOnlySpan<byte> bytes) =>
        TryParse(bytes, out RfbProtocolVersion version)
            ? version
            : throw new RfbProtocolException($"invalid RFB ProtocolVersion '{RfbProtocolException.Printable(bytes)}'");

    /// <summary>Reads one 12-byte ProtocolVersion message, however the transport splits it.</summary>
    /// <exception cref="RfbProtocolException">
    /// The bytes are not a ProtocolVersion, or the connection closed before 12 bytes arrived.
    /// </exception>
    public static async ValueTask<RfbProtocolVersion> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] buffer = new byte[WireLength];
        await RfbWire.ReadExactlyAsync(stream, buffer, "the RFB ProtocolVersion", cancellationToken).ConfigureAwait(false);
        return Parse(buffer);
    }

    /// <summary>Writes the 12-byte wire form (<c>RFB 003.008\n</c>) and returns the number of bytes written.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 12 bytes.</exception>
    public int WriteTo(Span<byte> destination)
    {
        if (destination.Length < WireLength)
        {
            throw new ArgumentException($"an RFB ProtocolVersion needs {WireLength} bytes", nameof(destination));
        }

        "RFB "u8.CopyTo(destination);
        WriteComponent(destination.Slice(MajorOffset, DigitCount), Major);
        destination[MajorOffset + DigitCount] = (byte)'.';
        WriteComponent(destination.Slice(MinorOffset, DigitCount), Minor);
        destination[WireLength - 1] = (byte)'\n';
        return WireLength;
    }

    /// <summary>Writes the 12-byte wire form to <paramref name="stream"/> and flushes it.</summary>
    public async ValueTask WriteAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] buffer = new byte[WireLength];
        WriteTo(buffer);
        await stream.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public int CompareTo(RfbProtocolVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    /// <summary>The version as people write it, e.g. <c>3.8</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");

    /// <summary>Whether <paramref name="left"/> is an older version than <paramref name="right"/>.</summary>
    public static bool operator <(RfbProtocolVersion left, RfbProtocolVersion right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> is a newer version than <paramref name="right"/>.</summary>
    public static bool operator >(RfbProtocolVersion left, RfbProtocolVersion right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> is the same as or older than <paramref name="right"/>.</summary>
    public static bool operator <=(RfbProtocolVersion left, RfbProtocolVersion right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> is the same as or newer than <paramref name="right"/>.</summary>
    public static bool operator >=(RfbProtocolVersion left, RfbProtocolVersion right) => left.CompareTo(right) >= 0;

    private static bool TryParseComponent(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (byte digit in digits)
        {
            if (!char.IsAsciiDigit((char)digit))
            {
                return false;
            }

            value = (value * 10) + (digit - '0');
        }

        return true;
    }

    private static void WriteComponent(Span<byte> destination, int value)
    {
        for (int i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
