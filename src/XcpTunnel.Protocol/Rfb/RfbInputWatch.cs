using System.Buffers.Binary;

namespace XcpTunnel.Protocol.Rfb;

/// <summary>
/// Follows what a viewer sends a console the way xapi 26.1's console idle timeout does
/// (docs/xapi-console-protocol.md, "Console limit and idle timeout"): only after a client ProtocolVersion of exactly
/// <c>RFB 003.003</c>, and only Key, Pointer and QEMU messages count as input. The client uses it to recognise the close
/// the timeout causes (the simulated pool has its own implementation of the rules). Feed it the client-to-server bytes from
/// the first one, in any pieces. Not thread-safe: one direction of one connection.
/// </summary>
/// <remarks>
/// Client messages after ClientInit (RFC 6143 §7.5; QEMU's extension):
/// <code>
/// | type | message                  | length             | input |
/// |------|--------------------------|--------------------|-------|
/// | 0    | SetPixelFormat           | 20                 | no    |
/// | 2    | SetEncodings             | 4 + 4 × u16 @2     | no    |
/// | 3    | FramebufferUpdateRequest | 10                 | no    |
/// | 4    | KeyEvent                 | 8                  | yes   |
/// | 5    | PointerEvent             | 6                  | yes   |
/// | 6    | ClientCutText            | 8 + u32 @4         | no    |
/// | 254  | XenServer scancode       | 8                  | no    |
/// | 255  | QEMU, subtype 0 (key)    | 12                 | yes   |
/// </code>
/// Anything else (another QEMU subtype, an unknown type) cannot be measured, so the watch stops following: like
/// xapi's parser, it then never calls the connection idle.
/// </remarks>
internal sealed class RfbInputWatch(TimeProvider time)
{
    private static ReadOnlySpan<byte> Version33 => "RFB 003.003\n"u8;

    // Enough for the ProtocolVersion and for any message head that says how long the message is.
    private readonly byte[] _head = new byte[12];
    private State _state = State.Version;
    private int _filled;
    private long _skip;
    private bool _isInput;
    private long _lastInput = time.GetTimestamp();

    private enum State
    {
        Version,
        ClientInit,
        Message,
        NotFollowing,
    }

    /// <summary>Whether the viewer spoke RFB 3.3 and every message so far could be followed: the idle rules apply.</summary>
    public bool Following => _state is State.ClientInit or State.Message;

    /// <summary>How long since the last Key, Pointer or QEMU message (or since the watch started).</summary>
    public TimeSpan SinceLastInput => time.GetElapsedTime(Volatile.Read(ref _lastInput));

    /// <summary>Takes the next client-to-server bytes.</summary>
    public void Observe(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty && _state != State.NotFollowing)
        {
            if (_skip > 0)
            {
                var skipped = (int)Math.Min(_skip, data.Length);
                _skip -= skipped;
                data = data[skipped..];
                if (_skip == 0)
                {
                    Completed();
                }

                continue;
            }

            var need = Needed();
            if (need < 0)
            {
                _state = State.NotFollowing;
                return;
            }

            var take = Math.Min(need - _filled, data.Length);
            data[..take].CopyTo(_head.AsSpan(_filled));
            _filled += take;
            data = data[take..];
            if (_filled == need)
            {
                Advance();
            }
        }
    }

    // How many head bytes to hold before the next decision; -1 when the message cannot be measured.
    private int Needed() => _state switch
    {
        State.Version => Version33.Length,
        State.ClientInit => 1,
        _ => _filled == 0 ? 1 : HeadLength(_head[0]),
    };

    // The bytes of a message that say how long it is: the type, and for some a count or a subtype.
    private static int HeadLength(byte type) => type switch
    {
        2 => 4,                       // SetEncodings: the count of encodings is at offset 2
        6 => 8,                       // ClientCutText: the text length is at offset 4
        255 => 2,                     // QEMU: the subtype
        0 or 3 or 4 or 5 or 254 => 1,
        _ => -1,
    };

    private void Advance()
    {
        switch (_state)
        {
            case State.Version:
                _state = Version33.SequenceEqual(_head.AsSpan(0, Version33.Length)) ? State.ClientInit : State.NotFollowing;
                _filled = 0;
                return;
            case State.ClientInit:
                _state = State.Message;
                _filled = 0;
                return;
        }

        var type = _head[0];
        var head = HeadLength(type);
        if (head < 0)
        {
            _state = State.NotFollowing;
            return;
        }

        if (_filled < head)
        {
            return; // The type is known; the rest of its head comes next.
        }

        long total = type switch
        {
            0 => 20,
            2 => 4 + (4L * BinaryPrimitives.ReadUInt16BigEndian(_head.AsSpan(2))),
            3 => 10,
            4 => 8,
            5 => 6,
            6 => 8 + (long)BinaryPrimitives.ReadUInt32BigEndian(_head.AsSpan(4)),
            254 => 8,
            _ => _head[1] == 0 ? 12 : -1,
        };
        if (total < 0)
        {
            _state = State.NotFollowing;
            return;
        }

        _isInput = type is 4 or 5 or 255;
        _skip = total - _filled;
        _filled = 0;
        if (_skip == 0)
        {
            Completed();
        }
    }

    private void Completed()
    {
        if (_isInput)
        {
            Volatile.Write(ref _lastInput, time.GetTimestamp());
        }

        _isInput = false;
    }
}
