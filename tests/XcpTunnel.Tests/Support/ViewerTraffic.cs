using System.Buffers.Binary;

namespace XcpTunnel.Tests.Support;

/// <summary>What a viewer does after the handshake, reduced to what tests need: ask for a pixel and get it.</summary>
internal static class ViewerTraffic
{
    /// <summary>
    /// Sends a FramebufferUpdateRequest for the top-left pixel (RFC 6143 §7.5.3) and reads the whole answer
    /// (§7.6.1): shows bytes flow both ways through a tunnel, and leaves nothing in flight. Returns the pixel.
    /// </summary>
    public static async Task<byte[]> FirstPixelAsync(FakeViewer viewer, bool connect = false)
    {
        if (connect)
        {
            var outcome = await viewer.ConnectAsync();
            Assert.True(outcome.Admitted, $"not admitted: {outcome.Refusal}");
        }

        var request = new byte[10];
        request[0] = 3;
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(6), 1);
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(8), 1);
        await viewer.SendAsync(request);

        // U8 type 0, padding, U16 rectangles = 1; x, y, width, height, S32 encoding 0 (Raw); the pixel.
        var head = new byte[4 + 12];
        await viewer.Stream.ReadExactlyAsync(head).AsTask().Bounded();
        Assert.Equal([0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0], head);
        var pixel = new byte[viewer.BytesPerPixel];
        await viewer.Stream.ReadExactlyAsync(pixel).AsTask().Bounded();
        return pixel;
    }
}
