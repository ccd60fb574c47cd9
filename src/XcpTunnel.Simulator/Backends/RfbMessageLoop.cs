using System.Buffers;
using System.Buffers.Binary;
using XcpTunnel.Simulator.Backends.Screens;

namespace XcpTunnel.Simulator.Backends;

/// <summary>
/// One viewer's client-message loop after ServerInit. It answers FramebufferUpdateRequests from the viewer's
/// screen and keeps track of what the viewer has not seen yet (<see cref="_dirty"/>): a non-incremental request
/// gets the requested area at once; an incremental one gets the unseen part of its area, at once if there is
/// some, otherwise when the screen next changes. A screen that never changes therefore gets no further update,
/// as a real server waits for a change: answering every incremental request at once would make real viewers
/// spin on full-screen updates.
/// </summary>
internal sealed class RfbMessageLoop
{
    /// <summary>Longest ClientCutText accepted; beyond it the server closes, as a bounded server must.</summary>
    internal const int MaxCutTextBytes = 1024 * 1024;

    private const int WriteChunkBytes = 64 * 1024;

    private readonly Stream _viewer;
    private readonly ConsoleScreen _screen;
    private readonly List<PixelRect> _dirty = [];
    private readonly SimulatedFaults? _faults;
    private readonly Action? _ctrlAltDel;
    private readonly Action? _domainDestroyed;
    private readonly KeyboardState _keys = new();
    private RfbPixelFormat _format;
    private PixelRect? _pending;

    /// <param name="viewer">The viewer's stream, after ServerInit.</param>
    /// <param name="screen">What this viewer sees.</param>
    /// <param name="nativeFormat">The pixel format of ServerInit, until the viewer sets another.</param>
    /// <param name="vm">
    /// The VM whose console this is: its pool's fault knobs, what its guest does on Ctrl+Alt+Del
    /// (<see cref="SimulatedVm.CtrlAltDel"/>), and how its domain is destroyed when a fault cuts an update
    /// (<see cref="SimulatedVm.DomainDestroyed"/>); null for none of them.
    /// </param>
    public RfbMessageLoop(Stream viewer, ConsoleScreen screen, RfbPixelFormat nativeFormat, SimulatedVm? vm = null)
    {
        _faults = vm?.Faults;
        _ctrlAltDel = vm?.CtrlAltDel;
        _domainDestroyed = vm?.DomainDestroyed;
        _viewer = viewer;
        _screen = screen;
        _format = nativeFormat;
        _dirty.Add(screen.Bounds);
    }

    /// <summary>
    /// Client-to-server messages (RFC 6143 §7.5) by type byte; anything else closes the connection, as the real
    /// servers do. Total lengths: SetPixelFormat 20, SetEncodings 4+4n, FramebufferUpdateRequest 10, KeyEvent 8,
    /// PointerEvent 6, ClientCutText 8+n, XenServer scancode (254) 8.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        byte[] type = new byte[1];
        byte[] msg = new byte[RfbPixelFormat.Size + 3];
        Task<int> nextMessage = _viewer.ReadAsync(type, cancellationToken).AsTask();
        Task? change = null;
        while (true)
        {
            if (_pending is not null)
            {
                // Wait for the viewer's next message or the screen's next change, whichever is first. A change
                // wait that loses stays armed for the next round instead of being restarted.
                change ??= _screen.WhenChangedAsync(cancellationToken);
                if (await Task.WhenAny(nextMessage, change).ConfigureAwait(false) == change)
                {
                    await change.ConfigureAwait(false);
                    change = null;
                    await SendPendingAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }

            if (await nextMessage.ConfigureAwait(false) == 0)
            {
                return;
            }

            switch (type[0])
            {
                case 0: // SetPixelFormat: pad 3, PIXEL_FORMAT
                    await _viewer.ReadExactlyAsync(msg.AsMemory(0, 3 + RfbPixelFormat.Size), cancellationToken).ConfigureAwait(false);
                    _format = RfbPixelFormat.Read(msg.AsSpan(3, RfbPixelFormat.Size));
                    if (!_format.IsSupported)
                    {
                        return;
                    }

                    // Everything the viewer holds is in the old format.
                    _dirty.Clear();
                    _dirty.Add(_screen.Bounds);
                    break;
                case 2: // SetEncodings: pad 1, count u16, count × s32
                    await _viewer.ReadExactlyAsync(msg.AsMemory(0, 3), cancellationToken).ConfigureAwait(false);
                    await SkipAsync(4 * BinaryPrimitives.ReadUInt16BigEndian(msg.AsSpan(1)), cancellationToken).ConfigureAwait(false);
                    break;
                case 3: // FramebufferUpdateRequest: incremental u8, x, y, w, h u16
                    await _viewer.ReadExactlyAsync(msg.AsMemory(0, 9), cancellationToken).ConfigureAwait(false);
                    PixelRect area = new PixelRect(
                        BinaryPrimitives.ReadUInt16BigEndian(msg.AsSpan(1)),
                        BinaryPrimitives.ReadUInt16BigEndian(msg.AsSpan(3)),
                        BinaryPrimitives.ReadUInt16BigEndian(msg.AsSpan(5)),
                        BinaryPrimitives.ReadUInt16BigEndian(msg.AsSpan(7))).Intersect(_screen.Bounds);
                    if (msg[0] == 0)
                    {
                        // A pending incremental request stays pending: the viewer still wants to hear of changes.
                        MarkChanged(_screen.Update());
                        await SendAsync([area], cancellationToken).ConfigureAwait(false);
                        MarkSeen(area);
                    }
                    else
                    {
                        // Requests are not queued: the latest incremental area is the one the viewer waits for.
                        _pending = area;
                    }

                    break;
                case 4: // KeyEvent: down u8, pad 2, key u32
                    await _viewer.ReadExactlyAsync(msg.AsMemory(0, 7), cancellationToken).ConfigureAwait(false);
                    if (_keys.Pressed(msg[0] != 0, BinaryPrimitives.ReadUInt32BigEndian(msg.AsSpan(3))) && _ctrlAltDel is { } reboot)
                    {
                        // The guest reboots: this console goes away with its domain, from another thread as xapi does it.
                        _ = Task.Run(reboot, CancellationToken.None);
                    }

                    break;
                case 5: // PointerEvent: mask u8, x u16, y u16
                    await _viewer.ReadExactlyAsync(msg.AsMemory(0, 5), cancellationToken).ConfigureAwait(false);
                    break;
                case 6: // ClientCutText: pad 3, length u32, text
                    await _viewer.ReadExactlyAsync(msg.AsMemory(0, 7), cancellationToken).ConfigureAwait(false);
                    uint length = BinaryPrimitives.ReadUInt32BigEndian(msg.AsSpan(3));
                    if (length > MaxCutTextBytes)
                    {
                        return;
                    }

                    await SkipAsync((int)length, cancellationToken).ConfigureAwait(false);
                    break;
                case 254: // XenServer scancode event: 7 more bytes
                    await _viewer.ReadExactlyAsync(msg.AsMemory(0, 7), cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    return;
            }

            nextMessage = _viewer.ReadAsync(type, cancellationToken).AsTask();
            if (_pending is not null)
            {
                await SendPendingAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sends the unseen part of the pending incremental request's area, if there is any now.</summary>
    private async Task SendPendingAsync(CancellationToken cancellationToken)
    {
        PixelRect area = _pending!.Value;
        MarkChanged(_screen.Update());
        List<PixelRect> unseen = [.. _dirty.Select(d => d.Intersect(area)).Where(r => !r.IsEmpty)];
        if (unseen.Count == 0)
        {
            return;
        }

        _pending = null;
        await SendAsync(unseen, cancellationToken).ConfigureAwait(false);
        MarkSeen(area);
    }

    private void MarkChanged(PixelRect changed)
    {
        if (!changed.IsEmpty && !_dirty.Any(d => d.Contains(changed)))
        {
            _dirty.RemoveAll(changed.Contains);
            _dirty.Add(changed);
        }
    }

    private void MarkSeen(PixelRect sent)
    {
        List<PixelRect> left = [.. _dirty.SelectMany(d => d.Subtract(sent))];
        _dirty.Clear();
        _dirty.AddRange(left);
    }

    /// <summary>
    /// FramebufferUpdate of Raw rectangles (RFC 6143 §7.6.1, §7.7.1):
    /// <code>
    /// | type 0 | pad | count u16 | count × ( x u16 | y u16 | w u16 | h u16 | encoding s32 = 0 | w × h pixels ) |
    /// </code>
    /// </summary>
    private async Task SendAsync(List<PixelRect> rectangles, CancellationToken cancellationToken)
    {
        int bytesPerPixel = _format.BytesPerPixel;
        int cut = _faults is not null && _faults.TryTakeUpdateCut(out int afterBytes) ? afterBytes : int.MaxValue;
        byte[] chunk = ArrayPool<byte>.Shared.Rent(WriteChunkBytes);
        try
        {
            chunk[0] = 0;
            chunk[1] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(chunk.AsSpan(2), (ushort)rectangles.Count);
            int used = 4;
            foreach (PixelRect r in rectangles)
            {
                if (used + 12 > WriteChunkBytes)
                {
                    cut = await WriteUpdateAsync(chunk.AsMemory(0, used), cut, cancellationToken).ConfigureAwait(false);
                    used = 0;
                }

                Span<byte> header = chunk.AsSpan(used, 12);
                BinaryPrimitives.WriteUInt16BigEndian(header, (ushort)r.X);
                BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)r.Y);
                BinaryPrimitives.WriteUInt16BigEndian(header[4..], (ushort)r.Width);
                BinaryPrimitives.WriteUInt16BigEndian(header[6..], (ushort)r.Height);
                BinaryPrimitives.WriteInt32BigEndian(header[8..], 0);
                used += 12;

                // A row is at most MaxDimension × 4 bytes = 16 KB, so whole rows always fit in a chunk.
                int rowBytes = r.Width * bytesPerPixel;
                for (int y = r.Y; y < r.Bottom; y++)
                {
                    if (used + rowBytes > WriteChunkBytes)
                    {
                        cut = await WriteUpdateAsync(chunk.AsMemory(0, used), cut, cancellationToken).ConfigureAwait(false);
                        used = 0;
                    }

                    _screen.ReadRow(r.X, y, r.Width, _format, chunk.AsSpan(used, rowBytes));
                    used += rowBytes;
                }
            }

            await WriteUpdateAsync(chunk.AsMemory(0, used), cut, cancellationToken).ConfigureAwait(false);
            await _viewer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>Writes part of an update; with a cut armed (<see cref="SimulatedFaults.CutNextUpdate"/>), only up to it, then the console dies.</summary>
    /// <returns>How many bytes of the update may still go before the cut.</returns>
    private async Task<int> WriteUpdateAsync(ReadOnlyMemory<byte> data, int cut, CancellationToken cancellationToken)
    {
        if (data.Length <= cut)
        {
            await _viewer.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            return cut == int.MaxValue ? cut : cut - data.Length;
        }

        await _viewer.WriteAsync(data[..cut], cancellationToken).ConfigureAwait(false);
        await _viewer.FlushAsync(cancellationToken).ConfigureAwait(false);

        // The domain is gone: its console objects go too, and new ones come, as after a reboot.
        if (_domainDestroyed is { } destroyed)
        {
            _ = Task.Run(destroyed, CancellationToken.None);
        }

        throw new IOException("the console's domain went away in the middle of a FramebufferUpdate (injected fault)");
    }

    private async Task SkipAsync(int count, CancellationToken cancellationToken)
    {
        byte[] scratch = ArrayPool<byte>.Shared.Rent(Math.Clamp(count, 1, 16 * 1024));
        try
        {
            while (count > 0)
            {
                int n = Math.Min(count, scratch.Length);
                await _viewer.ReadExactlyAsync(scratch.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                count -= n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
