using System.Buffers.Binary;

namespace XcpTunnel.Protocol.Rfb.Server;

/// <summary>
/// The server's half of the RFB handshake with a viewer (RFC 6143 §7.1–7.3.1), run by the tunnel itself so that
/// it knows who is asking before any console is opened: <see cref="GreetAsync"/> (ProtocolVersion),
/// <see cref="AuthenticateAsync"/> (the security phase of <see cref="RfbViewerSecurity"/>), then one verdict:
/// <see cref="AdmitAsync"/> (security succeeded; read ClientInit) or <see cref="RefuseAsync"/> (a reason the
/// viewer shows). Between the security phase and the verdict the viewer waits, and the tunnel opens the console;
/// <see cref="ViewerGone"/> fires if the viewer leaves meanwhile.
/// </summary>
/// <remarks>
/// <para>
/// The tunnel offers RFB 3.8 and speaks whichever version the viewer picks, since every viewer takes a failure
/// reason in a different place (docs/rfb.md, "Telling a viewer why"): a 3.8 viewer is offered the tunnel's
/// security type and hears a refusal in a failed SecurityResult with its reason (the only form gtk-vnc reads
/// correctly); a 3.7 viewer hears it as zero security types and a reason; a 3.3 viewer as security type 0 and a
/// reason. To keep those forms open for 3.3 and 3.7 viewers on a tunnel without a password, their security
/// message is held back until the verdict.
/// </para>
/// <para>Not thread-safe: one call at a time, in the order above.</para>
/// </remarks>
public sealed partial class RfbViewerHandshake : IDisposable
{
    private const byte SecurityResultOk = 0;
    private const byte SecurityResultFailed = 1;

    private readonly RfbViewerSecurity _security;
    private readonly RfbViewerHandshakeOptions _options;
    private readonly CancellationTokenSource _gone = new();
    private Stage _stage = Stage.Connected;
    private Verdict _verdict;

    // The read that waits for the viewer's next byte while it waits for the verdict (see WatchForDeparture).
    private readonly byte[] _pendingByte = new byte[1];
    private Task<int>? _pendingRead;

    /// <summary>Starts a handshake on a viewer's connection; nothing is sent until <see cref="GreetAsync"/>.</summary>
    public RfbViewerHandshake(Stream viewer, RfbViewerSecurity security, RfbViewerHandshakeOptions options)
    {
        Stream = viewer ?? throw new ArgumentNullException(nameof(viewer));
        _security = security ?? throw new ArgumentNullException(nameof(security));
        _options = options ?? throw new ArgumentNullException(nameof(options));
    }

    private enum Stage
    {
        Connected,
        VersionSent,
        Greeted,
        AwaitingVerdict,
        Admitted,
        Ended,
    }

    // What the viewer expects next while it awaits the verdict.
    private enum Verdict
    {
        SecurityResult,
        SecurityTypes,
        SecurityType33,
    }

    /// <summary>The viewer's connection: the accepted stream, or VeNCrypt's TLS stream over it once that has begun.</summary>
    public Stream Stream { get; private set; }

    /// <summary>The version the viewer chose (the session's); null before <see cref="GreetAsync"/> read it.</summary>
    public RfbProtocolVersion? Version { get; private set; }

    /// <summary>Cancelled when the viewer closes its connection while it waits for the verdict.</summary>
    public CancellationToken ViewerGone => _gone.Token;

    /// <summary>Sends the tunnel's <c>RFB 003.008</c> and reads the version the viewer picks.</summary>
    /// <exception cref="RfbViewerException">The viewer sent no valid ProtocolVersion in time, or a version above 3.8.</exception>
    public async Task GreetAsync(CancellationToken cancellationToken)
    {
        Require(Stage.Connected);
        _stage = Stage.VersionSent;
        await WriteAsync(Wire(RfbProtocolVersion.V3_8), cancellationToken).ConfigureAwait(false);

        byte[] reply = new byte[RfbProtocolVersion.WireLength];
        await ReadExactlyAsync(reply, "RFB ProtocolVersion", _options.MessageTimeout, cancellationToken).ConfigureAwait(false);
        if (!RfbProtocolVersion.TryParse(reply, out RfbProtocolVersion version))
        {
            throw new RfbViewerException(
                RfbViewerFailure.ProtocolError, $"the viewer sent '{RfbProtocolException.Printable(reply)}' instead of an RFB ProtocolVersion");
        }

        if (version > RfbProtocolVersion.V3_8)
        {
            throw new RfbViewerException(
                RfbViewerFailure.ProtocolError, $"the viewer replied RFB {version} to the tunnel's RFB 3.8; a client must never reply higher");
        }

        Version = version;
        _stage = Stage.Greeted;
    }

    /// <summary>Stops watching for the viewer's departure; the stream itself belongs to the caller.</summary>
    public void Dispose() => _gone.Dispose();

    private static byte[] Wire(RfbProtocolVersion version)
    {
        byte[] wire = new byte[RfbProtocolVersion.WireLength];
        version.WriteTo(wire);
        return wire;
    }

    private static byte[] U32(uint value)
    {
        byte[] wire = new byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32BigEndian(wire, value);
        return wire;
    }

    // RFC 6143 §7.1.3: a failed SecurityResult carries a reason in 3.8 only.
    private byte[] FailedSecurityResult(string reason) =>
        Version == RfbProtocolVersion.V3_8 ? [.. U32(SecurityResultFailed), .. RfbFailureReason.Encode(reason)] : U32(SecurityResultFailed);

    private void Require(Stage stage)
    {
        if (_stage != stage)
        {
            throw new InvalidOperationException($"the viewer handshake is at {_stage}, not {stage}");
        }
    }
}
