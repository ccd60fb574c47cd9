using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using XcpTunnel.Simulator.Backends.Screens;

namespace XcpTunnel.Simulator.Backends;

/// <summary>
/// The part vncterm and qemu share: after each backend's version and security negotiation, ClientInit,
/// ServerInit, then the client message loop answering FramebufferUpdateRequests with Raw rectangles read from
/// the viewer's <see cref="ConsoleScreen"/> in the client's current pixel format (RFC 6143 §7.3–§7.6).
/// </summary>
internal abstract class RfbBackend : ConsoleBackend
{
    private readonly Func<SimulatedVm, ConsoleScreen> _openScreen;
    private readonly Func<Stream, CancellationToken, Task>? _session;

    /// <param name="openScreen">Makes the screen one viewer of a VM sees (called once per viewer, after the security handshake).</param>
    /// <param name="nativeFormat">The pixel format announced in ServerInit.</param>
    /// <param name="session">What follows ServerInit instead of the client-message loop (benchmarks, echo consoles); null for the loop.</param>
    private protected RfbBackend(Func<SimulatedVm, ConsoleScreen> openScreen, RfbPixelFormat nativeFormat, Func<Stream, CancellationToken, Task>? session = null)
    {
        _openScreen = openScreen;
        NativeFormat = nativeFormat;
        _session = session;
    }

    public RfbPixelFormat NativeFormat { get; }

    internal override async Task ServeAsync(Stream viewer, SimulatedVm vm, CancellationToken cancellationToken)
    {
        if (!await NegotiateAsync(viewer, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        // ClientInit: u8 shared-flag.
        byte[] clientInit = new byte[1];
        await viewer.ReadExactlyAsync(clientInit, cancellationToken).ConfigureAwait(false);

        ConsoleScreen screen = _openScreen(vm);
        using var viewerCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using IDisposable? registration = OnClientInit(vm, shared: clientInit[0] != 0, viewerCts);
        await WriteServerInitAsync(viewer, screen, DesktopName(vm), viewerCts.Token).ConfigureAwait(false);
        await (_session is null
            ? new RfbMessageLoop(viewer, screen, NativeFormat, vm).RunAsync(viewerCts.Token)
            : _session(viewer, viewerCts.Token)).ConfigureAwait(false);
    }

    /// <summary>ProtocolVersion and security handshake; false when the backend closes instead.</summary>
    private protected abstract Task<bool> NegotiateAsync(Stream viewer, CancellationToken cancellationToken);

    /// <summary>The desktop name sent in ServerInit.</summary>
    private protected abstract string DesktopName(SimulatedVm vm);

    /// <summary>Called after ClientInit; <paramref name="viewer"/> is cancelled to disconnect this viewer. Returns what to dispose when it leaves.</summary>
    private protected virtual IDisposable? OnClientInit(SimulatedVm vm, bool shared, CancellationTokenSource viewer) => null;

    /// <summary>Reads a 12-byte <c>RFB xxx.yyy\n</c>; (0, 0) when it is not one.</summary>
    private protected static async Task<(int Major, int Minor)> ReadProtocolVersionAsync(Stream viewer, CancellationToken cancellationToken)
    {
        byte[] v = new byte[12];
        await viewer.ReadExactlyAsync(v, cancellationToken).ConfigureAwait(false);
        string text = Encoding.ASCII.GetString(v);
        if (!text.StartsWith("RFB ", StringComparison.Ordinal) || text[7] != '.' || text[11] != '\n'
            || !int.TryParse(text.AsSpan(4, 3), NumberStyles.None, CultureInfo.InvariantCulture, out int major)
            || !int.TryParse(text.AsSpan(8, 3), NumberStyles.None, CultureInfo.InvariantCulture, out int minor))
        {
            return (0, 0);
        }

        return (major, minor);
    }

    private protected static async Task WriteU32Async(Stream viewer, uint value, CancellationToken cancellationToken)
    {
        byte[] b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        await viewer.WriteAsync(b, cancellationToken).ConfigureAwait(false);
        await viewer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// ServerInit (RFC 6143 §7.3.2):
    /// <code>
    /// | width u16 | height u16 | PIXEL_FORMAT 16 | name-length u32 | name |
    /// </code>
    /// </summary>
    private async Task WriteServerInitAsync(Stream viewer, ConsoleScreen screen, string name, CancellationToken cancellationToken)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        byte[] init = new byte[2 + 2 + RfbPixelFormat.Size + 4 + nameBytes.Length];
        BinaryPrimitives.WriteUInt16BigEndian(init, (ushort)screen.Width);
        BinaryPrimitives.WriteUInt16BigEndian(init.AsSpan(2), (ushort)screen.Height);
        NativeFormat.Write(init.AsSpan(4, RfbPixelFormat.Size));
        BinaryPrimitives.WriteUInt32BigEndian(init.AsSpan(20), (uint)nameBytes.Length);
        nameBytes.CopyTo(init, 24);
        await viewer.WriteAsync(init, cancellationToken).ConfigureAwait(false);
        await viewer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
