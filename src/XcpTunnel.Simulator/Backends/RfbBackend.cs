using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace XcpTunnel.Simulator.Backends;

/// <summary>
/// The part vncterm and qemu share: after each backend's version and security negotiation, ClientInit,
/// ServerInit, then the client message loop answering FramebufferUpdateRequests with one Raw rectangle of a
/// solid colour in the client's current pixel format (RFC 6143 §7.3–§7.6).
/// </summary>
internal abstract class RfbBackend : ConsoleBackend
{
    /// <summary>Longest ClientCutText accepted; beyond it the server closes, as a bounded server must.</summary>
    internal const int MaxCutTextBytes = 1024 * 1024;

    private const int FillChunkBytes = 64 * 1024;

    private readonly byte _r;
    private readonly byte _g;
    private readonly byte _b;

    private protected RfbBackend(byte r, byte g, byte b, int width, int height, RfbPixelFormat nativeFormat)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 4096);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, 4096);
        (_r, _g, _b) = (r, g, b);
        Width = width;
        Height = height;
        NativeFormat = nativeFormat;
    }

    public int Width { get; }

    public int Height { get; }

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

        using var viewerCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using IDisposable? registration = OnClientInit(vm, shared: clientInit[0] != 0, viewerCts);
        await WriteServerInitAsync(viewer, DesktopName(vm), viewerCts.Token).ConfigureAwait(false);
        await RunMessageLoopAsync(viewer, viewerCts.Token).ConfigureAwait(false);
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
    private async Task WriteServerInitAsync(Stream viewer, string name, CancellationToken cancellationToken)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        byte[] init = new byte[2 + 2 + RfbPixelFormat.Size + 4 + nameBytes.Length];
        BinaryPrimitives.WriteUInt16BigEndian(init, (ushort)Width);
        BinaryPrimitives.WriteUInt16BigEndian(init.AsSpan(2), (ushort)Height);
        NativeFormat.Write(init.AsSpan(4, RfbPixelFormat.Size));
        BinaryPrimitives.WriteUInt32BigEndian(init.AsSpan(20), (uint)nameBytes.Length);
        nameBytes.CopyTo(init, 24);
        await viewer.WriteAsync(init, cancellationToken).ConfigureAwait(false);
        await viewer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Client-to-server messages (RFC 6143 §7.5) by type byte; anything else closes the connection, as the real
    /// servers do. Total lengths: SetPixelFormat 20, SetEncodings 4+4n, FramebufferUpdateRequest 10, KeyEvent 8,
    /// PointerEvent 6, ClientCutText 8+n, XenServer scancode (254) 8.
    /// </summary>
    private async Task RunMessageLoopAsync(Stream viewer, CancellationToken cancellationToken)
    {
        RfbPixelFormat format = NativeFormat;

        // The screen never changes, so an incremental request is only answered while the viewer has not seen the
        // screen in its current pixel format; otherwise it waits, as a real server waits for a change. Answering
        // every incremental request at once would make real viewers spin on full-screen updates.
        bool viewerUpToDate = false;
        byte[] msg = new byte[RfbPixelFormat.Size + 3];
        while (true)
        {
            int read = await viewer.ReadAsync(msg.AsMemory(0, 1), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            switch (msg[0])
            {
                case 0: // SetPixelFormat: pad 3, PIXEL_FORMAT
                    await viewer.ReadExactlyAsync(msg.AsMemory(0, 3 + RfbPixelFormat.Size), cancellationToken).ConfigureAwait(false);
                    format = RfbPixelFormat.Read(msg.AsSpan(3, RfbPixelFormat.Size));
                    if (!format.IsSupported)
                    {
                        return;
                    }

                    viewerUpToDate = false;
                    break;
                case 2: // SetEncodings: pad 1, count u16, count × s32
                    await viewer.ReadExactlyAsync(msg.AsMemory(0, 3), cancellationToken).ConfigureAwait(false);
                    await SkipAsync(viewer, 4 * BinaryPrimitives.ReadUInt16BigEndian(msg.AsSpan(1)), cancellationToken).ConfigureAwait(false);
                    break;
                case 3: // FramebufferUpdateRequest: incremental u8, x, y, w, h u16
                    await viewer.ReadExactlyAsync(msg.AsMemory(0, 9), cancellationToken).ConfigureAwait(false);
                    if (msg[0] == 0 || !viewerUpToDate)
                    {
                        await SendUpdateAsync(viewer, format, msg.AsSpan(1, 8).ToArray(), cancellationToken).ConfigureAwait(false);
                        viewerUpToDate = true;
                    }

                    break;
                case 4: // KeyEvent: down u8, pad 2, key u32
                    await viewer.ReadExactlyAsync(msg.AsMemory(0, 7), cancellationToken).ConfigureAwait(false);
                    break;
                case 5: // PointerEvent: mask u8, x u16, y u16
                    await viewer.ReadExactlyAsync(msg.AsMemory(0, 5), cancellationToken).ConfigureAwait(false);
                    break;
                case 6: // ClientCutText: pad 3, length u32, text
                    await viewer.ReadExactlyAsync(msg.AsMemory(0, 7), cancellationToken).ConfigureAwait(false);
                    uint length = BinaryPrimitives.ReadUInt32BigEndian(msg.AsSpan(3));
                    if (length > MaxCutTextBytes)
                    {
                        return;
                    }

                    await SkipAsync(viewer, (int)length, cancellationToken).ConfigureAwait(false);
                    break;
                case 254: // XenServer scancode event: 7 more bytes
                    await viewer.ReadExactlyAsync(msg.AsMemory(0, 7), cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    return;
            }
        }
    }

    /// <summary>
    /// FramebufferUpdate with one Raw rectangle (RFC 6143 §7.6.1, §7.7.1), clipped to the framebuffer:
    /// <code>
    /// | type 0 | pad | count u16 = 1 | x u16 | y u16 | w u16 | h u16 | encoding s32 = 0 | w × h pixels |
    /// </code>
    /// </summary>
    private async Task SendUpdateAsync(Stream viewer, RfbPixelFormat format, byte[] area, CancellationToken cancellationToken)
    {
        int x = Math.Min((int)BinaryPrimitives.ReadUInt16BigEndian(area), Width);
        int y = Math.Min((int)BinaryPrimitives.ReadUInt16BigEndian(area.AsSpan(2)), Height);
        int w = Math.Min((int)BinaryPrimitives.ReadUInt16BigEndian(area.AsSpan(4)), Width - x);
        int h = Math.Min((int)BinaryPrimitives.ReadUInt16BigEndian(area.AsSpan(6)), Height - y);

        byte[] header = new byte[16];
        header[0] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), 1);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), (ushort)x);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(6), (ushort)y);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(8), (ushort)w);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(10), (ushort)h);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), 0);
        await viewer.WriteAsync(header, cancellationToken).ConfigureAwait(false);

        long remaining = (long)w * h * format.BytesPerPixel;
        if (remaining > 0)
        {
            byte[] chunk = ArrayPool<byte>.Shared.Rent(FillChunkBytes);
            try
            {
                // FillChunkBytes is a multiple of every supported pixel size, so chunks stay pixel-aligned.
                FillWithPixel(chunk.AsSpan(0, FillChunkBytes), format);

                while (remaining > 0)
                {
                    int n = (int)Math.Min(remaining, FillChunkBytes);
                    await viewer.WriteAsync(chunk.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                    remaining -= n;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }

        await viewer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private void FillWithPixel(Span<byte> chunk, RfbPixelFormat format)
    {
        Span<byte> pixel = stackalloc byte[4];
        format.Encode(_r, _g, _b, pixel);
        for (int i = 0; i < chunk.Length; i += format.BytesPerPixel)
        {
            pixel[..format.BytesPerPixel].CopyTo(chunk[i..]);
        }
    }

    private static async Task SkipAsync(Stream viewer, int count, CancellationToken cancellationToken)
    {
        byte[] scratch = ArrayPool<byte>.Shared.Rent(Math.Clamp(count, 1, 16 * 1024));
        try
        {
            while (count > 0)
            {
                int n = Math.Min(count, scratch.Length);
                await viewer.ReadExactlyAsync(scratch.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                count -= n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
