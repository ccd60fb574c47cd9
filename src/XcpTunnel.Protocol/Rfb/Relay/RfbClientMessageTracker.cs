using System.Buffers.Binary;
using XcpTunnel.Protocol.Rfb.Client;

namespace XcpTunnel.Protocol.Rfb.Relay;

/// <summary>
/// Follows the viewer-to-console byte stream message by message (docs/rfb.md, "Following messages"): it keeps the
/// viewer's SetPixelFormat and SetEncodings, to replay them to a new console, and its last FramebufferUpdateRequest;
/// and it rewrites SetEncodings so that a console is only asked for encodings the relay can follow (and, while
/// consoles may be swapped, none with unresettable zlib streams). Everything else passes through untouched.
/// </summary>
/// <remarks>
/// Client messages (RFC 6143 §7.5 and the registered extensions), total lengths:
/// <code>
/// 0   SetPixelFormat          20
/// 2   SetEncodings            4 + 4 × count
/// 3   FramebufferUpdateRequest 10
/// 4   KeyEvent                8
/// 5   PointerEvent            6
/// 6   ClientCutText           8 + |length|   (negative: Extended Clipboard)
/// 150 EnableContinuousUpdates 10
/// 248 ClientFence             9 + length
/// 251 SetDesktopSize          8 + 16 × screens
/// 254 XenServer scancode      8
/// 255 QEMU: sub-type 0 extended key 12; sub-type 1 audio: 4, or 10 for operation 2
/// </code>
/// Not thread-safe: the viewer pump owns it.
/// </remarks>
public sealed class RfbClientMessageTracker(bool dropUnresettableZlib)
{
    private const int NoMessage = -1;

    private byte[] _scratch = new byte[32];
    private int _type = NoMessage;
    private int _need;
    private int _have;
    private long _skip;
    private int[] _encodings = [];

    /// <summary>The viewer's last SetPixelFormat, whole (20 bytes); null while it has sent none.</summary>
    public byte[]? PixelFormatMessage { get; private set; }

    /// <summary>The pixel format of <see cref="PixelFormatMessage"/> (read from it, so another thread never sees half a format).</summary>
    public RfbPixelFormat? PixelFormat => PixelFormatMessage is { } message ? RfbPixelFormat.Parse(message.AsSpan(4)) : null;

    /// <summary>The encodings of the viewer's last SetEncodings, as it sent them.</summary>
    public IReadOnlyList<int> Encodings => _encodings;

    /// <summary>The last SetEncodings as the console gets it; null while the viewer has sent none.</summary>
    public byte[]? Replacement { get; private set; }

    /// <summary>The message type that ended in the last <see cref="Next"/>'s bytes, if one did (the last one, with several).</summary>
    public byte? Completed { get; private set; }

    /// <summary>The last FramebufferUpdateRequest; null while the viewer has sent none.</summary>
    public RfbUpdateRequest? LastRequest { get; private set; }

    /// <summary>Why the stream cannot be followed any more (an unknown message type); null while it can.</summary>
    public string? Broken { get; private set; }

    /// <summary>True between two messages.</summary>
    public bool AtBoundary => _type == NoMessage && _skip == 0 && Broken is null;

    /// <summary>Whether the viewer's SetEncodings listed <paramref name="encoding"/>.</summary>
    public bool Advertises(int encoding) => Array.IndexOf(_encodings, encoding) >= 0;

    /// <summary>
    /// Consumes the start of <paramref name="data"/> and says what to do with it. A SetEncodings is never in the same
    /// segment as another message. With <paramref name="oneMessage"/>, a segment also ends where a message ends, so
    /// the caller sees each one (<see cref="Completed"/>). Once <see cref="Broken"/>, everything is forwarded.
    /// </summary>
    public RfbClientSegment Next(ReadOnlySpan<byte> data, bool oneMessage)
    {
        Completed = null;
        int i = 0;
        while (i < data.Length && Broken is null)
        {
            if (_skip > 0)
            {
                int n = (int)Math.Min(_skip, data.Length - i);
                _skip -= n;
                i += n;
                if (_skip == 0 && oneMessage)
                {
                    break;
                }

                continue;
            }

            if (_type == NoMessage)
            {
                if (data[i] == 2 && i > 0)
                {
                    break; // A SetEncodings starts its own segment.
                }

                Start(data[i]);
                if (Broken is not null)
                {
                    break;
                }
            }

            int take = Math.Min(_need - _have, data.Length - i);
            data.Slice(i, take).CopyTo(_scratch.AsSpan(_have));
            _have += take;
            i += take;
            if (_have == _need)
            {
                Gathered();
            }

            if (_type == NoMessage && Completed == 2)
            {
                return new RfbClientSegment(RfbClientSegmentKind.Replaced, i);
            }

            if (_type == NoMessage && _skip == 0 && oneMessage)
            {
                break;
            }
        }

        if (Broken is not null)
        {
            return new RfbClientSegment(RfbClientSegmentKind.Forward, data.Length);
        }

        return new RfbClientSegment(_type == 2 ? RfbClientSegmentKind.Held : RfbClientSegmentKind.Forward, i);
    }

    private void Start(byte type)
    {
        _type = type;
        _have = 0;
        _need = type switch
        {
            0 => 20,
            2 => 4,
            3 or 150 => 10,
            4 or 254 => 8,
            5 => 6,
            6 or 251 => 8,
            248 => 9,
            255 => 4,
            _ => 0,
        };
        if (_need == 0)
        {
            Broken = $"unknown RFB client message type {type}";
        }
    }

    private void Gathered()
    {
        ReadOnlySpan<byte> s = _scratch.AsSpan(0, _have);
        switch (_type)
        {
            case 0:
                PixelFormatMessage = s.ToArray();
                break;
            case 2 when _have == 4:
                int count = BinaryPrimitives.ReadUInt16BigEndian(s[2..]);
                if (count > 0)
                {
                    Grow(4 + (4 * count));
                    return;
                }

                KeepEncodings(s);
                break;
            case 2:
                KeepEncodings(s);
                break;
            case 3:
                LastRequest = new RfbUpdateRequest(s[1] != 0, BinaryPrimitives.ReadUInt16BigEndian(s[2..]), BinaryPrimitives.ReadUInt16BigEndian(s[4..]),
                    BinaryPrimitives.ReadUInt16BigEndian(s[6..]), BinaryPrimitives.ReadUInt16BigEndian(s[8..]));
                break;
            case 6:
                _skip = Math.Abs((long)BinaryPrimitives.ReadInt32BigEndian(s[4..]));
                break;
            case 248:
                _skip = s[8];
                break;
            case 251 when _have == 8:
                if (s[6] > 0)
                {
                    Grow(8 + (16 * s[6]));
                    return;
                }

                break;
            case 255 when _have == 4:
                // Sub-type 0: QEMU extended key event; 1: audio, whose operation 2 (set format) carries 6 more bytes.
                int total = s[1] == 0 ? 12 : s[1] == 1 && BinaryPrimitives.ReadUInt16BigEndian(s[2..]) == 2 ? 10 : 4;
                if (s[1] > 1)
                {
                    Broken = $"unknown QEMU client message sub-type {s[1]}";
                    return;
                }

                if (total > 4)
                {
                    Grow(total);
                    return;
                }

                break;
        }

        Completed = (byte)_type;
        _type = NoMessage;
    }

    private void Grow(int need)
    {
        if (_scratch.Length < need)
        {
            Array.Resize(ref _scratch, need);
        }

        _need = need;
    }

    /// <summary>SetEncodings (§7.5.2): U8 2, pad 1, U16 count, count × S32. Kept as sent; rewritten with what a console may be asked for.</summary>
    private void KeepEncodings(ReadOnlySpan<byte> message)
    {
        int count = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        _encodings = new int[count];
        var kept = new List<int>(count);
        for (int k = 0; k < count; k++)
        {
            int encoding = BinaryPrimitives.ReadInt32BigEndian(message[(4 + (4 * k))..]);
            _encodings[k] = encoding;
            if (RfbEncodings.IsFollowable(encoding) && !(dropUnresettableZlib && RfbEncodings.IsUnresettableZlib(encoding)))
            {
                kept.Add(encoding);
            }
        }

        Replacement = Build(kept);
    }

    private static byte[] Build(List<int> encodings)
    {
        byte[] message = new byte[4 + (4 * encodings.Count)];
        message[0] = 2;
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), (ushort)encodings.Count);
        for (int k = 0; k < encodings.Count; k++)
        {
            BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(4 + (4 * k)), encodings[k]);
        }

        return message;
    }
}

/// <summary>A FramebufferUpdateRequest (§7.5.3): whether only changes are wanted, and the area.</summary>
public sealed record RfbUpdateRequest(bool Incremental, int X, int Y, int Width, int Height);
