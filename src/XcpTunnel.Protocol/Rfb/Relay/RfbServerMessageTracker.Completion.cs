using System.Buffers;
using System.Buffers.Binary;

namespace XcpTunnel.Protocol.Rfb.Relay;

public sealed partial class RfbServerMessageTracker
{
    private const int PaddingBlockBytes = 16 * 1024;

    /// <summary>
    /// Writes to <paramref name="output"/> what finishes the message the console cut, so the viewer is left between
    /// two messages (docs/rfb.md, "A console that ends mid-message"): zeros for the rest of counted payloads (black
    /// pixels, empty subrectangles, a transparent cursor, which the full update after a swap paints over; an audio
    /// stop for a QEMU message cut after its type), and for
    /// each rectangle the update still owes, a LastRect when <paramref name="lastRect"/> (the viewer asked for it),
    /// else an empty Raw rectangle. False, with nothing written, when the cut is inside zlib or Tight data, whose
    /// rest no byte count can stand in for, or when the stream was not being followed.
    /// </summary>
    public bool TryComplete(IBufferWriter<byte> output, bool lastRect)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (Broken is not null || _opaque)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[12];
        var padding = new ArrayBufferWriter<byte>();
        while (!AtBoundary)
        {
            if (_opaque || Broken is not null)
            {
                return false;
            }

            if (_step == Step.RectangleHeader && _skip == 0)
            {
                // The rest of a rectangle header: a LastRect ends the update here; else a Raw rectangle, empty when
                // its size was not read yet. The encoding bytes already sent must match the one chosen.
                int seen = Math.Max(0, _have - 8);
                int encoding = lastRect && Matches(RfbEncodings.LastRect, seen) ? RfbEncodings.LastRect
                    : Matches(RfbEncodings.Raw, seen) ? RfbEncodings.Raw
                    : 0;
                if (!Matches(encoding, seen))
                {
                    return false;
                }

                header.Clear();
                BinaryPrimitives.WriteInt32BigEndian(header[8..], encoding);
                Span<byte> rest = header[_have..];
                Advance(rest);
                padding.Write(rest);
                continue;
            }

            if (_step == Step.QemuSubtype && _skip == 0)
            {
                // Zero is no QEMU sub-type; an audio message (1) whose operation 0 carries nothing more is harmless.
                header[0] = 1;
                Advance(header[..1]);
                padding.Write(header[..1]);
                continue;
            }

            int size = _skip > 0 ? (int)Math.Min(_skip, PaddingBlockBytes) : _need - _have;
            Span<byte> zeros = padding.GetSpan(size)[..size];
            zeros.Clear();
            Advance(zeros);
            padding.Advance(size);
        }

        output.Write(padding.WrittenSpan);
        return true;
    }

    // Whether the first `seen` bytes of the rectangle's encoding field, already gathered, are those of `encoding`.
    private bool Matches(int encoding, int seen)
    {
        Span<byte> wire = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(wire, encoding);
        return _scratch.AsSpan(8, seen).SequenceEqual(wire[..seen]);
    }
}
