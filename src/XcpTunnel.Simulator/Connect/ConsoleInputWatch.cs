using System.Buffers.Binary;

namespace XcpTunnel.Simulator.Connect;

/// <summary>
/// What xapi 26.1 counts as a viewer's input for its console idle timeout (docs/xapi-console-protocol.md, "Console
/// limit and idle timeout"): it follows a viewer only after a ProtocolVersion of exactly <c>RFB 003.003</c>, and only
/// KeyEvent, PointerEvent and QEMU key messages count. Written here apart from the client's own watch, so that a
/// mistake in one is caught by the other instead of being repeated on both sides of a test.
/// </summary>
/// <remarks>Fed by one connection's reads; <see cref="Following"/> and <see cref="SinceLastInput"/> may be read from a timer.</remarks>
internal sealed class ConsoleInputWatch(TimeProvider time)
{
    private static ReadOnlySpan<byte> Version33 => "RFB 003.003\n"u8;

    private readonly List<byte> _head = new(12);
    private volatile bool _versionRead;
    private bool _clientInitRead;
    private volatile bool _lost;
    private long _rest;
    private bool _isInput;
    private long _lastInput = time.GetTimestamp();

    /// <summary>The viewer answered 3.3 and every message since could be measured.</summary>
    public bool Following => _versionRead && !_lost;

    public TimeSpan SinceLastInput => time.GetElapsedTime(Interlocked.Read(ref _lastInput));

    public void Observe(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty && !_lost)
        {
            if (_rest > 0)
            {
                int skipped = (int)Math.Min(_rest, data.Length);
                data = data[skipped..];
                _rest -= skipped;
                EndOfMessageIf(_rest == 0);
                continue;
            }

            _head.Add(data[0]);
            data = data[1..];
            Measure();
        }
    }

    // Called after each head byte: decides once the head says how long the message is.
    private void Measure()
    {
        if (!_versionRead)
        {
            if (_head.Count == Version33.Length)
            {
                _lost = !Version33.SequenceEqual([.. _head]);
                _versionRead = true;
                _head.Clear();
            }

            return;
        }

        if (!_clientInitRead)
        {
            _clientInitRead = true; // the shared flag
            _head.Clear();
            return;
        }

        long length = MessageLength([.. _head]);
        if (length == 0)
        {
            return; // more of the head first
        }

        _lost = length < 0;
        _isInput = _head[0] is 4 or 5 or 255;
        _rest = length - _head.Count;
        _head.Clear();
        EndOfMessageIf(_rest == 0);
    }

    // Client-to-server messages (RFC 6143 section 7.5, and the XenServer and QEMU extensions): the whole length, 0 while
    // the head is too short to tell, -1 for a message that cannot be measured (xapi then stops following).
    private static long MessageLength(ReadOnlySpan<byte> head) => head[0] switch
    {
        0 => 20,                                                                                   // SetPixelFormat
        2 => head.Length < 4 ? 0 : 4 + (4L * BinaryPrimitives.ReadUInt16BigEndian(head[2..])),     // SetEncodings
        3 => 10,                                                                                   // FramebufferUpdateRequest
        4 => 8,                                                                                    // KeyEvent
        5 => 6,                                                                                    // PointerEvent
        6 => head.Length < 8 ? 0 : 8L + BinaryPrimitives.ReadUInt32BigEndian(head[4..]),           // ClientCutText
        254 => 8,                                                                                  // XenServer scancode
        255 => head.Length < 2 ? 0 : head[1] == 0 ? 12 : -1,                                       // QEMU: key events only
        _ => -1,
    };

    private void EndOfMessageIf(bool ended)
    {
        if (ended && _isInput)
        {
            Interlocked.Exchange(ref _lastInput, time.GetTimestamp());
        }
    }
}
