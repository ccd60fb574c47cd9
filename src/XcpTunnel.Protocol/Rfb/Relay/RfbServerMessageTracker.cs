using System.Buffers.Binary;
using XcpTunnel.Protocol.Rfb.Client;

namespace XcpTunnel.Protocol.Rfb.Relay;

/// <summary>
/// Follows the console-to-viewer byte stream message by message without decoding a pixel (docs/rfb.md,
/// "Following messages"): it reads each message's header from the bytes the relay already holds, counts the
/// payload that follows, and so always knows whether the stream stands between two messages. A console that ends
/// while it does not has cut a message; <see cref="TryComplete"/> then says how to finish it for the viewer.
/// </summary>
/// <remarks>
/// Bytes come in any split: a header cut across reads is gathered into a small scratch buffer; a payload is only
/// counted, so a large Raw rectangle costs one subtraction per read. Not thread-safe: one relay direction owns it.
/// </remarks>
public sealed partial class RfbServerMessageTracker
{
    // The longest header gathered at once: a rectangle header (12 bytes), or a Hextile tile's colours and count (9).
    private const int ScratchBytes = 16;

    private readonly byte[] _scratch = new byte[ScratchBytes];
    private Step _step = Step.MessageType;
    private int _need = 1;
    private int _have;
    private long _skip;

    // What the step being gathered belongs to.
    private int _rectanglesLeft;
    private int _width;
    private int _height;
    private int _encoding;
    private bool _opaque;

    private int _bytesPerPixel;
    // Set by the viewer's direction, read by the console's: a reference, so it is read whole.
    private volatile System.Runtime.CompilerServices.StrongBox<RfbPixelFormat>? _pendingFormat;

    /// <param name="format">The pixel format of ServerInit: what the console sends until the viewer asks for another.</param>
    public RfbServerMessageTracker(RfbPixelFormat format)
    {
        _bytesPerPixel = BytesPerPixel(format);
        _tightPixelBytes = TightPixelBytes(format);
    }

    private enum Step
    {
        MessageType,
        UpdateHeader,
        RectangleHeader,
        RectangleDone,
        ColourMapHeader,
        CutTextHeader,
        FenceHeader,
        QemuSubtype,
        QemuAudioOperation,
        QemuAudioLength,
        RreHeader,
        LengthThenData,
        DesktopSizeScreens,
        HextileSubencoding,
        HextileTileHead,
        TightControl,
        TightFilter,
        TightPaletteSize,
        TightCompactLength,
    }

    /// <summary>True between two messages: a console that ends now leaves the viewer nothing half-read.</summary>
    public bool AtBoundary => _step == Step.MessageType && _have == 0 && _skip == 0 && Broken is null;

    /// <summary>Why the stream cannot be followed any more (an unknown message or encoding); null while it can.</summary>
    public string? Broken { get; private set; }

    /// <summary>
    /// Set by the relay after a console swap: the next Tight rectangle gets its four stream-reset bits set, so the
    /// viewer starts new zlib streams exactly where the new console does. Cleared once done.
    /// </summary>
    public bool ResetTightStreams { get; set; }

    /// <summary>The size the console last announced (DesktopSize or ExtendedDesktopSize); null if it never did.</summary>
    public (int Width, int Height)? AnnouncedSize { get; private set; }

    /// <summary>
    /// The viewer's SetPixelFormat went to the console: updates that start from now on are in <paramref name="format"/>.
    /// (RFC 6143 leaves the switch to the server; viewers send it when no update is pending, so the next update is the first.)
    /// </summary>
    public void PixelFormatSent(RfbPixelFormat format) => _pendingFormat = new(format);

    /// <summary>
    /// Follows <paramref name="data"/>, the next bytes from the console, which go to the viewer afterwards. Writes
    /// into it only to set Tight's reset bits (<see cref="ResetTightStreams"/>). Once <see cref="Broken"/>, does nothing.
    /// </summary>
    public void Advance(Span<byte> data)
    {
        int i = 0;
        while (Broken is null)
        {
            if (_skip > 0)
            {
                if (i == data.Length)
                {
                    return;
                }

                int n = (int)Math.Min(_skip, data.Length - i);
                _skip -= n;
                i += n;
                continue;
            }

            if (_have < _need)
            {
                if (i == data.Length)
                {
                    return;
                }

                if (_step == Step.TightControl && ResetTightStreams)
                {
                    data[i] |= 0x0F;
                    ResetTightStreams = false;
                }

                int n = Math.Min(_need - _have, data.Length - i);
                data.Slice(i, n).CopyTo(_scratch.AsSpan(_have));
                _have += n;
                i += n;
                continue;
            }

            _have = 0;
            Handle(_scratch.AsSpan(0, _need));
        }
    }

    private void Expect(Step step, int need, long skipFirst = 0)
    {
        _step = step;
        _need = need;
        _skip = skipFirst;
    }

    private void Fail(string reason)
    {
        Broken = reason;
        _skip = 0;
    }

    private void Handle(ReadOnlySpan<byte> s)
    {
        switch (_step)
        {
            case Step.MessageType:
                MessageType(s[0]);
                break;
            case Step.UpdateHeader:
                // FramebufferUpdate (§7.6.1): U8 0, pad 1, U16 number-of-rectangles.
                _rectanglesLeft = BinaryPrimitives.ReadUInt16BigEndian(s[1..]);
                Expect(_rectanglesLeft == 0 ? Step.MessageType : Step.RectangleHeader, _rectanglesLeft == 0 ? 1 : 12);
                break;
            case Step.RectangleHeader:
                Rectangle(s);
                break;
            case Step.RectangleDone:
                _opaque = false;
                _rectanglesLeft--;
                Expect(_rectanglesLeft == 0 ? Step.MessageType : Step.RectangleHeader, _rectanglesLeft == 0 ? 1 : 12);
                break;
            case Step.ColourMapHeader:
                // SetColourMapEntries (§7.6.2): pad 1, U16 first-colour, U16 number-of-colours, 6 bytes each.
                Expect(Step.MessageType, 1, 6L * BinaryPrimitives.ReadUInt16BigEndian(s[3..]));
                break;
            case Step.CutTextHeader:
                // ServerCutText (§7.6.4): pad 3, S32 length; negative with the Extended Clipboard pseudo-encoding.
                Expect(Step.MessageType, 1, Math.Abs((long)BinaryPrimitives.ReadInt32BigEndian(s[3..])));
                break;
            case Step.FenceHeader:
                // ServerFence: pad 3, U32 flags, U8 length, payload.
                Expect(Step.MessageType, 1, s[7]);
                break;
            case Step.QemuSubtype:
                // QEMU server message: U8 sub-type; 1 = audio.
                if (s[0] != 1)
                {
                    Fail($"unknown QEMU server message sub-type {s[0]}");
                    break;
                }

                Expect(Step.QemuAudioOperation, 2);
                break;
            case Step.QemuAudioOperation:
                // 0 end, 1 begin, 2 data (U32 length, samples).
                ushort operation = BinaryPrimitives.ReadUInt16BigEndian(s);
                if (operation == 2)
                {
                    Expect(Step.QemuAudioLength, 4);
                }
                else
                {
                    Expect(Step.MessageType, 1);
                }

                break;
            case Step.QemuAudioLength:
                Expect(Step.MessageType, 1, BinaryPrimitives.ReadUInt32BigEndian(s));
                break;
            default:
                HandleEncoding(s);
                break;
        }
    }

    private void MessageType(byte type)
    {
        switch (type)
        {
            case 0:
                if (Interlocked.Exchange(ref _pendingFormat, null) is { } format)
                {
                    _bytesPerPixel = BytesPerPixel(format.Value);
                    _tightPixelBytes = TightPixelBytes(format.Value);
                }

                Expect(Step.UpdateHeader, 3);
                break;
            case 1:
                Expect(Step.ColourMapHeader, 5);
                break;
            case 2: // Bell: the type alone.
            case 150: // EndOfContinuousUpdates: the type alone.
                Expect(Step.MessageType, 1);
                break;
            case 3:
                Expect(Step.CutTextHeader, 7);
                break;
            case 248:
                Expect(Step.FenceHeader, 8);
                break;
            case 255:
                Expect(Step.QemuSubtype, 1);
                break;
            default:
                Fail($"unknown RFB server message type {type}");
                break;
        }
    }

    private static int BytesPerPixel(RfbPixelFormat format) => Math.Max(1, format.BitsPerPixel / 8);
}
