using System.Buffers;
using System.Buffers.Binary;

namespace XcpTunnel.Protocol.Rfb.Relay;

internal sealed partial class RfbServerMessageTracker
{
    private const int PaddingBlockBytes = 16 * 1024;

    /// <summary>
    /// Writes to <paramref name="output"/> what finishes the message the console cut, so the viewer is left between
    /// two messages (docs/rfb.md, "A console that ends mid-message"): zeros for the rest of counted payloads (black
    /// pixels, empty subrectangles, a transparent cursor, which the full update after a swap paints over), and for
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

            if (_step == Step.RectangleHeader && _have == 0 && _skip == 0 && lastRect)
            {
                header.Clear();
                BinaryPrimitives.WriteInt32BigEndian(header[8..], RfbEncodings.LastRect);
                Advance(header);
                padding.Write(header);
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
}
