namespace XcpTunnel.Protocol.Rfb.Client;

/// <summary>CopyRect encoding (RFC 6143 §7.7.2): copy an area the client already has.</summary>
internal static class RfbCopyRectDecoder
{
    //   +--------------+--------------+----------------+
    //   | No. of bytes | Type         | Description    |
    //   +--------------+--------------+----------------+
    //   | 2            | U16          | src-x-position |
    //   | 2            | U16          | src-y-position |
    //   +--------------+--------------+----------------+

    internal static async ValueTask DecodeAsync(RfbReader reader, RfbCanvas canvas, RfbRectangle rectangle, CancellationToken cancellationToken)
    {
        int sourceX = await reader.ReadU16Async("a CopyRect source", cancellationToken).ConfigureAwait(false);
        int sourceY = await reader.ReadU16Async("a CopyRect source", cancellationToken).ConfigureAwait(false);
        canvas.CheckWithin(sourceX, sourceY, rectangle.Width, rectangle.Height, "a CopyRect source");
        canvas.Copy(sourceX, sourceY, rectangle.X, rectangle.Y, rectangle.Width, rectangle.Height);
    }
}
